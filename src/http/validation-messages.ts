import { z } from 'zod';

/**
 * Plain Japanese for a refused input: every message names the field and says what is expected
 * (「金額は数字で入力してください」), never the validator's own words. A message a schema gives
 * itself always wins; what is not covered here falls back to zod's Japanese locale.
 */

/** The name a person knows each input by, keyed by the last name in its path. */
export const fieldLabels: Readonly<Record<string, string>> = {
  address: '所在地',
  amount: '金額',
  answer: '回答',
  answers: '回答',
  basis: '数量の基準',
  births: '出生数',
  closesAt: '締切日時',
  code: 'コード',
  companyName: '商号または名称',
  consortiumId: '協議会',
  codes: 'コード',
  comment: 'コメント',
  contractMode: '契約形態',
  corporateNumber: '法人番号',
  deadline: '期限',
  description: '概要',
  email: 'メールアドレス',
  equal: '均等割の割合',
  evaluatorIds: '評価委員',
  fiscalYear: '年度',
  grades: '評価段階',
  guidance: '記入の手引き',
  kind: '区分',
  lotNumber: 'くじ番号',
  maxPoints: '配点',
  maxRounds: '入札回数',
  memberId: '団体',
  memberIds: '団体',
  method: '方式',
  name: '名称',
  negotiatedGround: '随意契約の根拠',
  negotiatedReason: '随意契約とする理由',
  note: '備考',
  options: 'オプション',
  password: 'パスワード',
  passRatio: '最低基準点の割合',
  population: '人口',
  price: '価格',
  pricePoints: '価格点',
  publishedText: '公表用の質問文',
  questionDeadline: '質問受付期限',
  ratios: '割合',
  reason: '理由',
  receivedAt: '受付日時',
  representative: '代表者',
  rfiDeadline: 'RFI回答期限',
  section: '章',
  standardPrice: '標準価格',
  submissionDeadline: '提出期限',
  targetFiscalYear: '対象年度',
  taxRate: '消費税率',
  text: '内容',
  threshold: '基準の割合',
  tierPrices: '区分別定額',
  tiers: '価格表',
  title: '件名',
  total: '総額',
  unitPrice: '単価',
  upTo: '上限',
  vendorId: '事業者',
  volumePricing: '数量連動の価格',
};

/** 「総額」, 「2行目の単価」 — or 「入力」 for a field without a known name. */
export function fieldLabel(path: readonly PropertyKey[] | undefined): string {
  const keys = path ?? [];
  const lastName = [...keys].reverse().find((k): k is string => typeof k === 'string' && fieldLabels[k] !== undefined);
  const label = lastName ? fieldLabels[lastName]! : '入力';
  const at = lastName ? keys.lastIndexOf(lastName) : -1;
  const row = at > 0 ? keys[at - 1] : undefined;
  return typeof row === 'number' ? `${row + 1}行目の${label}` : label;
}

const count = (n: unknown) => (typeof n === 'bigint' || typeof n === 'number' ? Number(n).toLocaleString('ja-JP') : String(n));

const formats: Record<string, string> = {
  email: 'メールアドレスの形式（例: name@example.jp）',
  datetime: '日時（例: 2026-12-01 09:00）',
  date: '日付（例: 2026-12-01）',
  time: '時刻（例: 09:00）',
  url: 'URL（https:// から始まるもの）',
};

type RawIssue = z.core.$ZodRawIssue;

/** The message for an issue, or undefined to leave it to the locale. */
export function plainJapanese(issue: RawIssue): string | undefined {
  const label = fieldLabel(issue.path);
  const input = issue.input;
  const missing = input === undefined || input === null || (typeof input === 'string' && input.trim() === '');
  switch (issue.code) {
    case 'invalid_type': {
      if (missing && issue.expected !== 'number' && issue.expected !== 'int') return `${label}を入力してください`;
      switch (issue.expected) {
        case 'number':
          return missing && !Number.isNaN(input) ? `${label}を入力してください` : `${label}は数字で入力してください`;
        case 'int':
          return `${label}は整数（小数点なし）で入力してください`;
        case 'string':
          return `${label}は文字で入力してください`;
        case 'boolean':
          return `${label}は「はい」か「いいえ」で指定してください`;
        case 'date':
          return `${label}は${formats.datetime}で入力してください`;
        default:
          return `${label}の形式が正しくありません`;
      }
    }
    case 'too_small': {
      const min = issue.minimum;
      if (issue.origin === 'string') return Number(min) <= 1 ? `${label}を入力してください` : `${label}は${count(min)}文字以上で入力してください`;
      if (issue.origin === 'array' || issue.origin === 'set') return Number(min) <= 1 ? `${label}を1つ以上指定してください` : `${label}を${count(min)}件以上指定してください`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return issue.inclusive ? `${label}は${count(min)}以上の数字で入力してください` : `${label}は${count(min)}より大きい数字で入力してください`;
      }
      return undefined;
    }
    case 'too_big': {
      const max = issue.maximum;
      if (issue.origin === 'string') return `${label}は${count(max)}文字以内で入力してください`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${label}は${count(max)}件までにしてください`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return issue.inclusive ? `${label}は${count(max)}以下の数字で入力してください` : `${label}は${count(max)}より小さい数字で入力してください`;
      }
      return undefined;
    }
    case 'invalid_format': {
      if (missing) return `${label}を入力してください`;
      const expected = formats[issue.format];
      return expected ? `${label}は${expected}で入力してください` : `${label}の形式が正しくありません`;
    }
    case 'not_multiple_of':
      return `${label}は${count(issue.divisor)}の倍数で入力してください`;
    case 'invalid_value':
      return missing ? `${label}を選んでください` : `${label}は選択肢の中から選んでください`;
    case 'invalid_union':
      // a discriminated union refuses its key (method, kind, …) as an unknown choice
      return 'discriminator' in issue ? `${label}は選択肢の中から選んでください` : undefined;
    default:
      return undefined;
  }
}

/** Installs the messages for every schema in the process (zod's Japanese locale stays underneath). */
export function useJapaneseMessages(): void {
  z.config({ ...z.locales.ja(), customError: plainJapanese });
}
