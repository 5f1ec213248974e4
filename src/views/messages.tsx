/** An error announced to screen readers; nothing when there is no message. */
export function ErrorBox({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}

/** A confirmation that something was saved. */
export function SuccessBox({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="success" role="status">
      {message}
    </p>
  ) : null;
}
