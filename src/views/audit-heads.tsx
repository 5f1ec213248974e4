import type { ConsortiumHead } from '../services/public-audit.ts';
import { auditHeadPath } from '../services/public-audit.ts';
import { dateTime } from './format.ts';

/** 監査記録の検証値: each consortium's latest audit-chain head, to be kept and compared later. */
export function AuditHeads(props: { heads: ConsortiumHead[] }) {
  if (props.heads.length === 0) return null;
  return (
    <section aria-labelledby="audit-heads">
      <h2 id="audit-heads">監査記録の検証値</h2>
      <p>
        協議会ごとの監査記録（ハッシュチェーン）の最新の値です。控えておくと、後日、同じ連番の値と照らし合わせて記録が書き換えられていないことを確かめられます。
      </p>
      <div class="table-wrap">
        <table>
          <caption>監査記録の最新の連番とハッシュ値</caption>
          <thead>
            <tr>
              <th scope="col">協議会</th>
              <th scope="col">連番</th>
              <th scope="col">ハッシュ値（HMAC-SHA256）</th>
              <th scope="col">記録時刻</th>
              <th scope="col">JSON</th>
            </tr>
          </thead>
          <tbody>
            {props.heads.map((h) => (
              <tr>
                <th scope="row">{h.consortiumName}</th>
                <td>{h.head.seq}</td>
                <td>
                  <code class="hash">{h.head.hash}</code>
                </td>
                <td>{h.head.at ? <time datetime={h.head.at}>{dateTime(h.head.at)}</time> : '—'}</td>
                <td>
                  <a href={auditHeadPath(h.consortiumId)} aria-label={`${h.consortiumName}の検証値（JSON）`}>
                    検証値（JSON）
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
