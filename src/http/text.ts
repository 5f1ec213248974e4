import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';

/**
 * Text PostgreSQL cannot keep: NUL (no text column holds it, jsonb refuses \u0000) and a UTF-16 half
 * without its pair (not Unicode; jsonb refuses it, a text column would silently turn it into U+FFFD).
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/** The path (a.b.0) to the first string or key of a parsed value that cannot be stored, or null. */
export function unstorableTextPath(value: unknown): string | null {
  // iterative, since a body may nest thousands of levels deep
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (!isStorableText(node)) return path;
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push([item, path ? `${path}.${i}` : String(i)]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const at = path ? `${path}.${key.replace(UNSTORABLE_ALL, '\ufffd')}` : key.replace(UNSTORABLE_ALL, '\ufffd');
        if (!isStorableText(key)) return at;
        stack.push([item, at]);
      }
    }
  }
  return null;
}

/** A NUL in the path or query (%00) cannot name anything stored: refused before any lookup. */
export function refuseNulInUrl(): MiddlewareHandler<AppEnv> {
  return async function refuseNul(c, next) {
    if (c.req.url.includes('%00')) throw new AppError('validation_error', 'URL に使用できない文字（NUL）が含まれています。');
    await next();
  };
}
