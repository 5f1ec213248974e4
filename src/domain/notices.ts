/**
 * What a person can be told (通知の種類): its Japanese name, and whether it comes by e-mail unless the
 * person has said otherwise. Each notification has exactly one kind; preferences are kept per kind.
 */
export const noticeKinds = {
  case_published: { label: '案件の公告', email: true },
  addendum: { label: '案件の変更（変更・追加）', email: true },
  question_received: { label: '質問の受付（事務局）', email: true },
  answers_published: { label: '質問への回答の公表', email: true },
  deadline_reminder: { label: '期限の事前通知（3日前・前日）', email: true },
  opening_result: { label: '開札結果', email: true },
  award: { label: '落札者・契約の相手方の決定', email: true },
  evaluator_assigned: { label: '評価委員への選任', email: true },
  sheet_returned: { label: '採点票の差戻し', email: true },
  survey_opened: { label: '意向調査の開始', email: true },
  survey_closing: { label: '意向調査の締切の事前通知', email: true },
  qualification_decided: { label: '入札参加資格の審査結果', email: true },
} as const;

export type NoticeKind = keyof typeof noticeKinds;
export const noticeKindList = Object.keys(noticeKinds) as NoticeKind[];

export function isNoticeKind(v: string): v is NoticeKind {
  return Object.hasOwn(noticeKinds, v);
}

/** Whether a person gets a kind by e-mail: their own choice, else the kind's default. */
export function wantsEmail(kind: NoticeKind, choice: boolean | undefined): boolean {
  return choice ?? noticeKinds[kind].email;
}

/** The deadlines a reminder is sent before, in days. */
export const reminderDays = [3, 1] as const;
