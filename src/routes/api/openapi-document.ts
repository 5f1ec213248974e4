import { z } from 'zod';
import { type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject, createDocument } from 'zod-openapi';
import { SESSION_COOKIE } from '../../auth/session.ts';
import { type ErrorCode, errorStatus } from '../../errors.ts';
import { roleLabels } from '../../views/layout.tsx';

/**
 * The API description: a table of the app's routes (`"METHOD /api/path"` as Hono registers it) built
 * into an OpenAPI 3.1 document by zod-openapi, so request bodies, queries and parameters are the very
 * zod schemas the handlers parse with.
 */

type Role = 'operator' | 'secretariat' | 'member' | 'evaluator' | 'vendor';

/** Who may call: no login, any signed-in account, the platform operator, or these roles. */
export type Caller = 'anyone' | 'user' | 'operator' | readonly Role[];

/** What a successful call answers. */
export type Success =
  | { kind: 'json'; status: 200 | 201; keys: readonly string[]; text?: string }
  | { kind: 'pdf' | 'csv' | 'calendar' | 'file' | 'html' | 'openapi'; text?: string };

export interface ApiOperation {
  /** one line in Japanese */
  summary: string;
  tag: string;
  who: Caller;
  description?: string;
  /** path parameters that are validated (the others are plain ids, described from the path) */
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  /** the JSON body: the schema the handler passes to readJson / parseWith */
  body?: z.ZodType;
  /** the body may be left out (read as `{}`) */
  bodyOptional?: true;
  /** a body other than JSON */
  upload?: 'csv' | 'multipart';
  ok: Success;
  /** error codes beyond those the shape of the route implies */
  errors?: readonly ErrorCode[];
}

export const json = (keys: readonly string[], status: 200 | 201 = 200, text?: string): Success => ({ kind: 'json', status, keys, ...(text ? { text } : {}) });
export const created = (keys: readonly string[], text?: string): Success => json(keys, 201, text);
export const pdf = (text?: string): Success => ({ kind: 'pdf', ...(text ? { text } : {}) });
export const csv = (text?: string): Success => ({ kind: 'csv', ...(text ? { text } : {}) });

const errorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]).meta({ description: '変わらない英字の識別子' }),
      message: z.string().meta({ description: '日本語の説明' }),
      details: z.unknown().optional().meta({ description: '400 validation_error では入力の誤り（path, code, message）の一覧' }),
    }),
  })
  .meta({ id: 'ErrorBody', description: 'エラーの本文。スタックトレースは含みません。' });

const errorTexts: Partial<Record<number, string>> = {
  400: '入力の誤り',
  401: 'ログインが必要',
  403: '権限がない',
  404: '見つからない（他の協議会・他の事業者のものも同じ答え）',
  408: 'アップロードが途中で止まった',
  409: '現在の状態ではできない',
  413: '大きすぎる',
  415: '受け付けない形式',
  429: '試行が多すぎる',
  500: 'サーバーの問題',
  503: '一時的に利用できない',
};

const stateConflicts = (Object.keys(errorStatus) as ErrorCode[]).filter((code) => errorStatus[code] === 409);

/** The error codes a route can answer, from its shape (login, roles, path ids, input, writes) and its own list. */
function errorCodesOf(method: string, path: string, op: ApiOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>(op.errors ?? []);
  const takesInput = op.body !== undefined || op.upload !== undefined || op.query !== undefined || op.params !== undefined;
  if (takesInput) codes.add('validation_error');
  if (op.who !== 'anyone') codes.add('unauthenticated');
  if (op.who !== 'anyone' && op.who !== 'user') codes.add('forbidden');
  if (path.includes('{')) codes.add('not_found');
  if (method !== 'get') for (const code of stateConflicts) codes.add(code);
  if (op.body !== undefined || op.upload !== undefined) {
    codes.add('too_large');
    codes.add('unsupported_type');
  }
  if (op.upload === 'multipart') codes.add('upload_timeout');
  codes.add('internal');
  codes.add('database_unavailable');
  return [...codes];
}

function errorResponses(codes: ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status) as `4${string}`] = {
      description: `${errorTexts[status] ?? 'エラー'}: ${list.join(', ')}`,
      content: { 'application/json': { schema: errorBody } },
    };
  }
  return responses;
}

const binary = (type: string) => ({ [type]: { schema: { type: 'string' as const, format: 'binary' } } });

function successResponse(ok: Success): ZodOpenApiResponsesObject {
  switch (ok.kind) {
    case 'json': {
      const schema = { type: 'object' as const, properties: Object.fromEntries(ok.keys.map((k) => [k, {}])), required: [...ok.keys] };
      return { [String(ok.status)]: { description: ok.text ?? `{${ok.keys.join(', ')}}`, content: { 'application/json': { schema } } } };
    }
    case 'pdf':
      return { '200': { description: ok.text ?? 'PDF（添付ファイルとして）', content: binary('application/pdf') } };
    case 'csv':
      return { '200': { description: ok.text ?? 'CSV（UTF-8、BOM付き）', content: { 'text/csv': { schema: { type: 'string' } } } } };
    case 'calendar':
      return { '200': { description: ok.text ?? 'iCalendar', content: { 'text/calendar': { schema: { type: 'string' } } } } };
    case 'file':
      return { '200': { description: ok.text ?? '受け付けたファイル（受け付けたときの形式のまま）', content: binary('application/octet-stream') } };
    case 'html':
      return { '200': { description: ok.text ?? 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } };
    case 'openapi':
      return { '200': { description: ok.text ?? 'OpenAPI 3.1 の文書', content: { 'application/json': { schema: { type: 'object' } } } } };
  }
}

function whoText(who: Caller): string {
  if (who === 'anyone') return 'ログイン不要';
  if (who === 'user') return 'ログインした利用者';
  if (who === 'operator') return roleLabels.operator;
  return who.map((r) => roleLabels[r]).join('・');
}

/** `/api/x/:id{[0-9]+}` → `/api/x/{id}`, and the names and patterns of its parameters. */
export function openApiPath(honoPath: string): { path: string; params: { name: string; pattern?: string }[] } {
  const params: { name: string; pattern?: string }[] = [];
  const path = honoPath.replace(/:(\w+)(\{([^}]*)\})?/g, (_, name: string, _braces: string | undefined, pattern: string | undefined) => {
    params.push(pattern ? { name, pattern: `^${pattern}$` } : { name });
    return `{${name}}`;
  });
  return { path, params };
}

/** The words for a path's id parameters, by the segment before them. */
const idOf: Record<string, string> = {
  cases: '案件のID',
  surveys: '意向調査のID',
  users: '利用者のID',
  members: '団体のID',
  vendors: '事業者のID',
  files: 'ファイルのID',
  notifications: '通知のID',
  consortia: '協議会のID',
};
const paramTexts: Record<string, string> = {
  memberId: '団体のID',
  vendorId: '事業者のID',
  questionId: '質問のID',
  commentId: '意見のID',
  code: '候補のコード',
  ref: '提案の参照（評価委員の一覧が示すもの: 事業者ID、匿名化した評価ではその記号）',
  kind: '文書の種類（spec, comment-responses, question-answers, evaluation-summary, bid-tabulation, award）',
  fiscalYear: '年度（西暦）',
  'documents/file': '発行した版（版番号.pdf、例: 1.pdf）',
  'documents/name': '文書のファイル名（例: spec.pdf）',
  'calendar/file': 'カレンダーのトークン.ics（発行した URL のとおり）',
};

function pathParams(path: string, params: { name: string; pattern?: string }[], op: ApiOperation): z.ZodObject | undefined {
  if (params.length === 0) return undefined;
  const segments = path.split('/');
  const shape: Record<string, z.ZodType> = {};
  for (const { name, pattern } of params) {
    const at = segments.indexOf(`{${name}}`);
    const before = segments[at - 1] ?? '';
    const text = name === 'id' ? (idOf[before] ?? 'ID') : (paramTexts[`${before}/${name}`] ?? paramTexts[`${segments[at - 2]}/${name}`] ?? paramTexts[name] ?? name);
    const given = op.params?.[name];
    shape[name] = (given ?? (pattern ? z.string().regex(new RegExp(pattern)) : z.string())).meta({ description: text });
  }
  return z.object(shape);
}

function operationOf(method: string, path: string, params: { name: string; pattern?: string }[], op: ApiOperation): ZodOpenApiOperationObject {
  const lines = [`利用できる人: ${whoText(op.who)}`, ...(op.description ? [op.description] : [])];
  const pathSchema = pathParams(path, params, op);
  const requestParams = { ...(pathSchema ? { path: pathSchema } : {}), ...(op.query ? { query: op.query } : {}) };
  const operation: ZodOpenApiOperationObject = {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: op.summary,
    description: lines.join('\n\n'),
    tags: [op.tag],
    ...(Object.keys(requestParams).length > 0 ? { requestParams } : {}),
    responses: { ...successResponse(op.ok), ...errorResponses(errorCodesOf(method, path, op)) },
  };
  if (op.who === 'anyone') operation.security = [];
  if (op.body) operation.requestBody = { required: !op.bodyOptional, content: { 'application/json': { schema: op.body } } };
  if (op.upload === 'csv') {
    operation.requestBody = {
      required: true,
      description: 'CSV ファイルそのもの（UTF-8 または Shift_JIS）。1行でも誤りがあれば何も取り込みません。',
      content: { 'text/csv': { schema: { type: 'string' } } },
    };
  }
  if (op.upload === 'multipart') {
    operation.requestBody = {
      required: true,
      description: 'ファイル1つを multipart/form-data で（フィールド名 file）。',
      content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } },
    };
  }
  return operation;
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  tags: { name: string; description?: string }[];
}

/** Builds the OpenAPI 3.1 document from the table (keys `"METHOD /api/path"`, paths as Hono writes them). */
export function buildOpenApiDocument(info: DocumentInfo, operations: Record<string, ApiOperation>) {
  const paths: ZodOpenApiPathsObject = {};
  for (const [key, op] of Object.entries(operations)) {
    const [method, honoPath] = key.split(' ') as [string, string];
    const { path, params } = openApiPath(honoPath);
    const lower = method.toLowerCase() as 'get' | 'put' | 'post' | 'patch' | 'delete';
    paths[path] = { ...paths[path], [lower]: operationOf(lower, path, params, op) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    tags: info.tags,
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'POST /api/auth/login が返す token を `Authorization: Bearer <token>` で送ります。' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'ログイン時のセッション Cookie（ブラウザから）。' },
      },
    },
    paths,
  });
}
