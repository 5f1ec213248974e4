import type { IssuedDocumentInfo } from '../services/issued-documents.ts';
import { dateTime } from './format.ts';

export interface IssuableDocument {
  kind: string;
  title: string;
}

/**
 * 発行済みの文書: every issued version with its 文書番号, issue time and SHA-256, each downloadable as
 * issued; the secretariat issues a new version after a change (confirmed: an issue is a record).
 */
export function IssuedDocuments({ caseId, documents, titles, issuable }: { caseId: string; documents: IssuedDocumentInfo[]; titles: Record<string, string>; issuable: IssuableDocument[] }) {
  return (
    <div class="card">
      <h3 id="issued-heading">発行済みの文書</h3>
      {documents.length === 0 ? (
        <p>まだ発行された文書はありません。仕様書は公開、入札経過調書は開札、評価結果は評価の締切、決定通知は決定の記録とともに発行されます。</p>
      ) : (
        <div class="table-wrap">
          <table class="ledger">
            <caption class="sr-only">発行済みの文書と版</caption>
            <thead>
              <tr>
                <th scope="col">文書</th>
                <th scope="col">版</th>
                <th scope="col">文書番号</th>
                <th scope="col">発行日時</th>
                <th scope="col">SHA-256</th>
                <th scope="col">電子署名</th>
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr>
                  <td>
                    <a href={`/api/cases/${caseId}/documents/${d.kind}/${d.version}.pdf`}>{titles[d.kind] ?? d.kind}（PDF）</a>
                    {d.warnings.length > 0 ? (
                      <ul class="notice">
                        {d.warnings.map((w) => (
                          <li>{w}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>第{d.version}版</td>
                  <td>{d.number}</td>
                  <td>{dateTime(d.issuedAt)}</td>
                  <td>
                    <code class="hash">{d.sha256}</code>
                  </td>
                  <td>{d.signed ? 'あり' : 'なし'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {issuable.length > 0 ? (
        <form method="post" action={`/cases/${caseId}/documents/issue`}>
          <label for="issue-kind">発行する文書</label>
          <select id="issue-kind" name="kind">
            {issuable.map((d) => (
              <option value={d.kind}>{d.title}</option>
            ))}
          </select>
          <p class="muted">発行すると文書番号を付けて内容を固定します。発行後に内容が変わった場合は、新しい版として発行します（前の版も残ります）。内容に変更がなければ新しい版は作られません。</p>
          <label>
            <input type="checkbox" name="confirm" required /> 文書番号を付けて発行することを確認しました
          </label>
          <button type="submit">発行する</button>
        </form>
      ) : null}
    </div>
  );
}
