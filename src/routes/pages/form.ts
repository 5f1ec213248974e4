import type { Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import type { FieldErrors } from '../../views/messages.tsx';

export type { FieldErrors };

export type Form = Record<string, string | File | (string | File)[]>;

export async function readForm(c: Ctx): Promise<Form> {
  return (await c.req.parseBody({ all: true })) as Form;
}

/** A text field of a posted form ('' when absent). */
export function field(form: Form, name: string): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a repeated text field, in order (files count as ''); trimmed unless told not to. */
export function fieldList(form: Form, name: string, { trim = true }: { trim?: boolean } = {}): string[] {
  const value = form[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => (typeof v !== 'string' ? '' : trim ? v.trim() : v));
}

/** The bytes of a file chosen in the form's `name` field, or null when none (or an empty one) was sent. */
export async function uploadedFile(form: Form, name: string): Promise<Uint8Array | null> {
  const file = form[name];
  return file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null;
}

/**
 * A number typed by a person, the one parser of every amount and number field: full-width digits
 * (１２３), thousands separators (, ，), 円 and spaces are accepted; '' is undefined and anything else
 * NaN, which the schema refuses in plain Japanese. Only `decimal` numbers may have a fractional part.
 */
export function typedNumber(value: string, { decimal = false }: { decimal?: boolean } = {}): number | undefined {
  const raw = value
    .replace(/[０-９．－]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/−/g, '-')
    .replace(/[,，円\s\u3000]/g, '');
  if (raw === '') return undefined;
  return (decimal ? /^-?(\d+(\.\d*)?|\.\d+)$/ : /^-?\d+$/).test(raw) ? Number(raw) : Number.NaN;
}

/** An integer field of a posted form, read by typedNumber. */
export function integerField(form: Form, name: string): number | undefined {
  return typedNumber(field(form, name));
}

/** A field that may have a fractional part (a ratio, points), read by typedNumber. */
export function decimalField(form: Form, name: string): number | undefined {
  return typedNumber(field(form, name), { decimal: true });
}

/** The user-facing message of a failed form action: the validation details, or the error's own. */
export function formError(err: unknown): string {
  if (!(err instanceof AppError)) throw err;
  const details = err.details as { path?: string; message?: string }[] | undefined;
  if (err.code === 'validation_error' && Array.isArray(details) && details[0]?.message) {
    return details.map((d) => d.message).join('／');
  }
  return err.message;
}

/**
 * The per-field messages of a refused form, keyed by the schema path of each input ('total',
 * 'volumePricing.unitPrice', 'options.0.price'); the first message of a field is kept. Empty for a
 * refusal that is not about one field. A view marks its inputs with invalid() and FieldError
 * (src/views/messages.tsx), naming the path it posts each input as.
 */
export function fieldErrors(err: unknown): FieldErrors {
  if (!(err instanceof AppError) || err.code !== 'validation_error' || !Array.isArray(err.details)) return {};
  const fields: Record<string, string> = {};
  for (const d of err.details as { path?: unknown; message?: unknown }[]) {
    if (typeof d?.path === 'string' && d.path !== '' && typeof d.message === 'string') fields[d.path] ??= d.message;
  }
  return fields;
}

export function isFormError(err: unknown): err is AppError {
  return err instanceof AppError && err.status < 500 && err.code !== 'unauthenticated';
}

/**
 * A form post: reads the form, runs the action and answers Post/Redirect/Get to the address it gives,
 * or, when refused, the page again with the Japanese message, what was typed and each refused
 * field's message (see fieldErrors).
 */
export async function formPost(
  c: Ctx,
  act: (form: Form) => Promise<string>,
  again: (error: string, form: Form, fields: FieldErrors) => Response | Promise<Response>,
): Promise<Response> {
  const form = await readForm(c);
  try {
    return c.redirect(await act(form), 303);
  } catch (err) {
    if (!isFormError(err)) throw err;
    return again(formError(err), form, fieldErrors(err));
  }
}

/**
 * The counts a successful post carried in its Post/Redirect/Get address (`?imported=1&created=3&updated=1`),
 * read back on the GET; undefined unless `flag` is there. A count that is not a small whole number reads 0.
 */
export function countsFrom<K extends string>(c: Ctx, flag: string, names: readonly K[]): Record<K, number> | undefined {
  if (c.req.query(flag) === undefined) return undefined;
  const count = (value: string | undefined) => (value !== undefined && /^\d{1,7}$/.test(value) ? Number(value) : 0);
  return Object.fromEntries(names.map((name) => [name, count(c.req.query(name))])) as Record<K, number>;
}

/** The address of `path` with `counts` in its query, for countsFrom to read back. */
export function withCounts(path: string, flag: string, counts: Readonly<Record<string, number>>): string {
  const query = new URLSearchParams({ [flag]: '1', ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)])) });
  return `${path}?${query}`;
}

/**
 * The blank rows a 「行を追加」 post asks for: the ones shown (hidden field `name`, else `shown`) and
 * `more` besides, at most 60.
 */
export function moreBlankRows(form: Form, { name = 'blanks', shown = 3, more = 3 }: { name?: string; shown?: number; more?: number } = {}): number {
  return Math.min(Math.max(integerField(form, name) || shown, 0) + more, 60);
}
