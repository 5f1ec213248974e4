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
    throw new AppError('validation_error', undefined, parsed.error.issues.map(issueDetail));
  }
  return parsed.data;
}

function issueDetail(issue: z.core.$ZodIssue) {
  return { path: issue.path.map(String).join('.'), code: issue.code, message: issue.message };
}

/** A JSON body that may be left out: an empty request reads as `{}`. */
export async function readOptionalJson<S extends z.ZodType>(c: Ctx, schema: S): Promise<z.output<S>> {
  return declaresBody(c.req.raw) ? readJson(c, schema) : parseWith(schema, {});
}
