import type { Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';

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

/** An integer typed by a person: full-width digits and thousands separators are accepted. */
/** The bytes of a file chosen in the form's `name` field, or null when none (or an empty one) was sent. */
export async function uploadedFile(form: Form, name: string): Promise<Uint8Array | null> {
  const file = form[name];
  return file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null;
}

export function integerField(form: Form, name: string): number | undefined {
  const raw = field(form, name)
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[,，円\s]/g, '');
  if (raw === '') return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

/** The user-facing message of a failed form action: the first validation detail, or the error's own. */
export function formError(err: unknown): string {
  if (!(err instanceof AppError)) throw err;
  const details = err.details as { path?: string; message?: string }[] | undefined;
  if (err.code === 'validation_error' && Array.isArray(details) && details[0]?.message) {
    return details.map((d) => d.message).join('／');
  }
  return err.message;
}

export function isFormError(err: unknown): err is AppError {
  return err instanceof AppError && err.status < 500 && err.code !== 'unauthenticated';
}

/**
 * A form post: reads the form, runs the action and answers Post/Redirect/Get to the address it gives,
 * or, when refused, the page again with the Japanese message and what was typed.
 */
export async function formPost(c: Ctx, act: (form: Form) => Promise<string>, again: (error: string, form: Form) => Response | Promise<Response>): Promise<Response> {
  const form = await readForm(c);
  try {
    return c.redirect(await act(form), 303);
  } catch (err) {
    if (!isFormError(err)) throw err;
    return again(formError(err), form);
  }
}
