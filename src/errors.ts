import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error code the API answers with, and its HTTP status. */
export const errorStatus = {
  validation_error: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_qualified: 403,
  not_found: 404,
  // 409 state conflicts
  conflict: 409,
  email_taken: 409,
  invalid_transition: 409,
  deadline_passed: 409,
  survey_closed: 409,
  not_yet: 409,
  already_submitted: 409,
  evaluation_started: 409,
  evaluation_open: 409,
  evaluation_closed: 409,
  sheet_locked: 409,
  stale_sheet: 409,
  incomplete_sheet: 409,
  sheets_outstanding: 409,
  apportionment_incomplete: 409,
  schedule_locked: 409,
  not_ready: 409,
  duplicate_corporate_number: 409,
  no_award: 409,
  year_closed: 409,
  below_threshold: 409,
  amount_mismatch: 409,
  survey_stage: 409,
  upload_timeout: 408,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  internal: 500,
  database_unavailable: 503,
  signing_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

const defaultMessages: Record<ErrorCode, string> = {
  validation_error: '入力内容に誤りがあります。',
  unauthenticated: 'ログインしてください。',
  forbidden: 'この操作を行う権限がありません。',
  not_qualified: '入札参加資格の審査が済んでいないため、提案・入札はできません。事務局の承認をお待ちください。',
  not_found: '指定されたものが見つかりません。',
  conflict: '現在の状態ではこの操作はできません。',
  email_taken: 'このメールアドレスはすでに登録されています。',
  invalid_transition: 'この状態には移行できません。',
  deadline_passed: '期限を過ぎているため受け付けられません。',
  survey_closed: 'この調査は締め切られています。',
  not_yet: 'まだこの操作はできません。',
  already_submitted: 'この回の入札はすでに受け付けています。入札後の変更はできません。',
  evaluation_started: '採点が始まっているため、評価基準は変更できません。',
  evaluation_open: '評価はまだ締め切られていません。',
  evaluation_closed: '評価は締め切られています。',
  sheet_locked: '提出済みの採点票は変更できません。',
  stale_sheet: '別の画面で採点票が更新されています。最新の内容を読み込んでから保存してください。',
  incomplete_sheet: '未評価の項目があるため提出できません。',
  sheets_outstanding: '未提出の採点票があるため、評価を締め切れません。',
  apportionment_incomplete: '按分に必要なデータが不足しています。',
  schedule_locked: '提案・入札の受付が始まっているため、この条件は変更できません（期限は理由を添えて延長のみできます）。',
  duplicate_corporate_number: 'この法人番号の事業者はすでに登録されています。',
  no_award: '決定済みにするには、決定（落札者・契約候補者・契約の相手方）を記録してください。',
  year_closed: 'この年度の負担額は確定（締め）済みのため変更できません。翌年度以降の変更として登録してください。',
  not_ready: '公表に必要なものがそろっていません（仕様書がない、または期限が過ぎています）。',
  below_threshold: '参加意向のある団体が基準に達していません。政策的に実施する場合は理由を入力してください。',
  amount_mismatch: '決定金額が団体別・数量別の価格から計算した金額と一致しません。',
  survey_stage: 'この調査の現在の段階ではこの操作はできません。',
  upload_timeout: 'データが一定時間届かなかったため、アップロードを中止しました。通信環境を確認して、もう一度送信してください。',
  too_large: 'データが大きすぎます。',
  unsupported_type: 'この形式のデータは受け付けられません。',
  rate_limited: '試行回数が多すぎます。しばらく待ってから再度お試しください。',
  internal: 'サーバーで問題が発生しました。時間をおいて再度お試しください。',
  signing_unavailable: '電子署名ができないため、文書を発行できませんでした。署名用の証明書（SIGNING_P12）を確認してください。',
  database_unavailable: 'データベースに接続できません。時間をおいて再度お試しください。',
};

/** The one error type: thrown anywhere, rendered by the app's onError. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message?: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message ?? defaultMessages[code]);
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
  /** The JSON error body; a server error carries the request's id, to quote when reporting it. */
  toBody(requestId?: string): { error: { code: ErrorCode; message: string; details?: unknown; requestId?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
        ...(requestId !== undefined && this.status >= 500 ? { requestId } : {}),
      },
    };
  }
}

export const notFound = (message?: string) => new AppError('not_found', message);
export const forbidden = (message?: string) => new AppError('forbidden', message);
