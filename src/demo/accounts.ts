/** The demo logins printed at start, shown on the login page and listed in the README. */
export const demoAccounts = {
  password: 'demo-pass-2026',
  list: [
    { label: '運営者', email: 'operator@demo.example', role: 'operator' },
    { label: '事務局（熊本県）', email: 'jimukyoku@demo.example', role: 'secretariat' },
    { label: '参加団体（熊本市）', email: 'kumamoto-shi@demo.example', role: 'member' },
    { label: '参加団体（五木村）', email: 'itsuki-mura@demo.example', role: 'member' },
    { label: '評価委員 1', email: 'hyoka1@demo.example', role: 'evaluator' },
    { label: '評価委員 2', email: 'hyoka2@demo.example', role: 'evaluator' },
    { label: '評価委員 3', email: 'hyoka3@demo.example', role: 'evaluator' },
    { label: '事業者（肥後情報システム）', email: 'vendor1@demo.example', role: 'vendor' },
    { label: '事業者（くまもとクラウドサービス）', email: 'vendor2@demo.example', role: 'vendor' },
    { label: '事業者（火の国ソフトウェア）', email: 'vendor3@demo.example', role: 'vendor' },
  ],
} as const;
