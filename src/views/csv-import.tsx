import type { Child } from 'hono/jsx';

/** A refused CSV import: nothing was taken, and every bad line is listed with what is wrong in it. */
export function ImportErrors({ errors }: { errors: readonly { line: number; message: string }[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error" role="alert" tabindex={-1} autofocus>
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

/** The secretariat's CSV import: what the file must hold (`children`), the file field and the button. */
export function CsvImportForm({ action, heading, children }: { action: string; heading: string; children: Child }) {
  return (
    <section class="card" aria-labelledby="import-heading">
      <h2 id="import-heading">{heading}</h2>
      <p>
        Excel で保存したCSV（UTF-8 または Shift_JIS）を取り込めます。{children}1行でも誤りがあれば何も取り込みません。
      </p>
      <form method="post" action={action} enctype="multipart/form-data">
        <label for="csv">CSVファイル</label>
        <input id="csv" name="file" type="file" accept=".csv,text/csv" required />
        <button class="primary" type="submit">
          取り込む
        </button>
      </form>
    </section>
  );
}
