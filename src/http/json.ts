import type { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { declaresBody } from './raw-body.ts';
import { unstorableTextPath } from './text.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

export const isJsonContentType = (value: string | undefined): boolean => value !== undefined && JSON_TYPE.test(value);

/** Reads and validates a JSON body: 415 for another content type, 400 for bad JSON or a schema miss. */
export async function readJson<S extends z.ZodType>(c: Ctx, schema: S): Promise<z.output<S>> {
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new AppError('unsupported_type', 'Content-Type は application/json を指定してください。');
  }
  let body: unknown;
  try {
    // JSON is UTF-8 (RFC 8259): other bytes are refused, not stored as U+FFFD
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await c.req.arrayBuffer()));
  } catch {
    throw new AppError('validation_error', 'JSON の形式が正しくありません（UTF-8 の JSON を送ってください）。');
  }
  return parseWith(schema, body);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const unstorable = unstorableTextPath(value);
  if (unstorable !== null) {
    throw new AppError('validation_error', undefined, [{ path: unstorable, code: 'invalid_format', message: '使用できない文字（NUL や不正な文字コード）が含まれています' }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const details = parsed.error.issues.flatMap(issueDetails);
    const unknown = details.filter((d) => d.code === 'unrecognized_keys').map((d) => d.path);
    // a field the service does not know is refused by name, so no client believes it saved what was dropped
    const message = unknown.length > 0 ? `この項目は受け付けていません: ${unknown.join(', ')}` : undefined;
    throw new AppError('validation_error', message, details);
  }
  return parsed.data;
}

function issueDetails(issue: z.core.$ZodIssue): { path: string; code: string; message: string }[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key].join('.'), code: issue.code, message: `「${key}」という項目はありません` }));
  }
  return [{ path: path.join('.'), code: issue.code, message: issue.message }];
}

/** A JSON body that may be left out: an empty request reads as `{}`. */
export async function readOptionalJson<S extends z.ZodType>(c: Ctx, schema: S): Promise<z.output<S>> {
  return declaresBody(c.req.raw) ? readJson(c, schema) : parseWith(schema, {});
}
