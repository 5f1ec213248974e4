import type { AddendumView } from '../services/addenda.ts';
import { dateTime } from './format.ts';
import { type FieldErrors, FieldError, invalid } from './messages.tsx';

const shown = (value: string | null) => value ?? '（なし）';

/**
 * 変更・追加: each change to a published case, numbered (変更第N号), with its date, its reason and a table
 * of what stood before and after. On a case not yet published, and without any, nothing is shown.
 */
export function Addenda({ addenda, published }: { addenda: readonly AddendumView[]; published: boolean }) {
  if (addenda.length === 0 && !published) return null;
  return (
    <section class="card" aria-labelledby="addenda-heading">
      <h2 id="addenda-heading">変更・追加</h2>
      {addenda.length === 0 ? (
        <p class="muted">公表後の変更・追加はありません。</p>
      ) : (
        addenda.map((a) => (
          <article class="addendum" aria-labelledby={`addendum-${a.no}`}>
            <h3 id={`addendum-${a.no}`}>変更第{a.no}号</h3>
            <p>
              日付: <time datetime={a.at}>{dateTime(a.at)}</time>
            </p>
            <p class="prewrap">理由: {a.reason}</p>
            <div class="table-wrap">
              <table>
                <caption>変更第{a.no}号の変更内容</caption>
                <thead>
                  <tr>
                    <th scope="col">項目</th>
                    <th scope="col">変更前</th>
                    <th scope="col">変更後</th>
                  </tr>
                </thead>
                <tbody>
                  {a.changes.map((ch) => (
                    <tr>
                      <th scope="row">{ch.label}</th>
                      <td class="prewrap">{shown(ch.before)}</td>
                      <td class="prewrap">{shown(ch.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </article>
        ))
      )}
    </section>
  );
}

/**
 * 変更理由 in a form that changes a case: required once the case is published, where the change is
 * announced as an addendum with this reason.
 */
export function ReasonField({ id, value, published, fields }: { id: string; value?: string | undefined; published: boolean; fields?: FieldErrors | undefined }) {
  return (
    <>
      <label for={id}>変更理由{published ? '（必須）' : ''}</label>
      <textarea id={id} name="reason" rows={2} required={published} maxlength={2000} {...invalid(fields, 'reason', id, `${id}-help`)}>
        {value ?? ''}
      </textarea>
      <FieldError fields={fields} path="reason" id={id} />
      <p id={`${id}-help`} class="muted">
        {published
          ? '公表済みの案件です。変更すると「変更・追加」として、この理由と変更前・変更後が全事業者と公開ページに示されます。'
          : '公表前の変更には不要です。公表後の変更では必須になります。'}
      </p>
    </>
  );
}
