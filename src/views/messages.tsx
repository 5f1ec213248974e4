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

/** A refused CSV import: nothing was taken, and every bad line is listed with what is wrong in it. */
export function ImportErrors({ errors }: { errors: readonly { line: number; message: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error" role="alert">
      <p>誤りのある行があるため、1件も取り込んでいません。修正して再度取り込んでください。</p>
      <table>
        <thead>
          <tr>
            <th scope="col">行</th>
            <th scope="col">内容</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e) => (
            <tr>
              <td class="num">{e.line}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
