import type { Ctx } from '../context.ts';
import type { ImportProblem } from '../domain/csv-import.ts';
import { AppError } from '../errors.ts';

/** Whether the request declares a body: a non-zero Content-Length, or a chunked Transfer-Encoding. */
export function declaresBody(req: Request): boolean {
  const length = req.headers.get('content-length');
  return (length !== null && length !== '0') || req.headers.get('transfer-encoding') !== null;
}

/** Reads a small raw body, refusing it with 413 as soon as it passes `limit` bytes. */
async function readLimitedBody(c: Ctx, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new AppError('too_large', `ファイルが大きすぎます（上限 ${Math.floor(limit / 1024 / 1024)} MB）。`);
  const body = c.req.raw.body;
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new AppError('too_large', `ファイルが大きすぎます（上限 ${Math.floor(limit / 1024 / 1024)} MB）。`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The charset parameter of the request's Content-Type, if any. */
export function declaredCharset(c: Ctx): string | undefined {
  return /charset=["']?([\w.-]+)/i.exec(c.req.header('content-type') ?? '')?.[1];
}

// what browsers and tools send for a CSV file (Excel on Windows says vnd.ms-excel)
const csvTypes = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'];

/** Refuses (415) a body that is not declared as a CSV file, before it is read. */
function assertCsvBody(c: Ctx): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!csvTypes.includes(type)) throw new AppError('unsupported_type', 'CSVファイル（Content-Type: text/csv）を送ってください。');
}

/**
 * A CSV import through the API: the type is checked before the body is read, the body is capped at
 * `limit`, and `importFile` takes it. A file with any bad row imported nothing: 400 naming every row.
 */
export async function csvImport<T extends { errors: ImportProblem[] }>(c: Ctx, limit: number, importFile: (bytes: Uint8Array, charset: string | undefined) => Promise<T>) {
  assertCsvBody(c);
  const outcome = await importFile(await readLimitedBody(c, limit), declaredCharset(c));
  if (outcome.errors.length === 0) return c.json(outcome);
  const message = `${outcome.errors.length}件の行に誤りがあるため、取り込みませんでした。`;
  return c.json({ ...outcome, error: { code: 'validation_error', message, details: outcome.errors } }, 400);
}
