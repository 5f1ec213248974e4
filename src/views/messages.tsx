/**
 * A refusal announced to screen readers; nothing when there is no message. On a page answering a
 * refused post the box takes the focus when the page loads (so the browser scrolls to it, however far
 * down the form is), without JavaScript. `standing` is for a state shown on every visit (not the
 * answer to what was just sent), which is announced but does not take the focus.
 */
export function ErrorBox({ message, standing = false, id }: { message?: string | undefined; standing?: boolean; id?: string }) {
  if (!message) return null;
  return standing ? (
    <p class="error" role="alert" id={id}>
      {message}
    </p>
  ) : (
    <p class="error" role="alert" tabindex={-1} autofocus id={id}>
      {message}
    </p>
  );
}

/** A confirmation that something was saved. */
export function SuccessBox({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="success" role="status">
      {message}
    </p>
  ) : null;
}

/**
 * The message of each refused field of a form, keyed by the path the schema gives the input
 * ('total', 'volumePricing.unitPrice', 'options.0.price'); see fieldErrors in routes/pages/form.ts.
 */
export type FieldErrors = Readonly<Record<string, string>>;

/**
 * The attributes that mark an input refused: aria-invalid and aria-describedby naming its FieldError
 * (and `describedBy`, the input's own help text, kept first). Spread them on the input:
 * `<input id="ap-total" {...invalid(fields, 'total', 'ap-total', 'ap-total-help')} />`.
 */
export function invalid(fields: FieldErrors | undefined, path: string, id: string, describedBy?: string): Record<string, string> {
  const refused = fields?.[path] !== undefined;
  const ids = [describedBy, refused ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { ...(refused ? { 'aria-invalid': 'true' } : {}), ...(ids ? { 'aria-describedby': ids } : {}) };
}

/** The message beside a refused input (id `${id}-error`, as invalid() points at); nothing otherwise. */
export function FieldError({ fields, path, id }: { fields: FieldErrors | undefined; path: string; id: string }) {
  const message = fields?.[path];
  return message === undefined ? null : (
    <span class="field-error" id={`${id}-error`}>
      {message}
    </span>
  );
}
