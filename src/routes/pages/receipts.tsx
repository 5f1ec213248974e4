import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import type { AppEnv } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { vendorReceipts } from '../../services/vendor-files.ts';
import { sizeLabel } from '../../views/files.tsx';
import { dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { renderPage } from '../../views/render.ts';

const purposeLabels = { rfi: 'RFI添付', proposal: '提案書' } as const;

export const receiptPages = new Hono<AppEnv>().get('/receipts', async (c) => {
  const user = requireConsortiumRole(c, 'vendor');
  const rows = await vendorReceipts(dbOf(c), user.consortiumId, user.vendorId!);
  return renderPage(
    c,
    <Layout title="受付票" user={user}>
      <h1>受付票の一覧</h1>
      <p>受け付けたファイルごとに、受付日時と受信した内容の SHA-256 を記録しています。</p>
      {rows.length === 0 ? (
        <p class="muted">まだ受け付けたファイルはありません。</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>受付票（新しい順）</caption>
            <thead>
              <tr>
                <th scope="col">案件</th>
                <th scope="col">種別</th>
                <th scope="col">ファイル名</th>
                <th scope="col" class="num">サイズ</th>
                <th scope="col">受付日時</th>
                <th scope="col">SHA-256</th>
                <th scope="col">受付票</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/cases/${r.caseId}`}>{r.caseTitle}</a>
                  </td>
                  <td>{purposeLabels[r.purpose]}</td>
                  <th scope="row">{r.name}</th>
                  <td class="num">{sizeLabel(r.size)}</td>
                  <td>{dateTime(r.receivedAt)}</td>
                  <td>
                    <code class="hash">{r.sha256}</code>
                  </td>
                  <td>
                    <a href={`/api/files/${r.id}/receipt.pdf`}>PDF</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>,
  );
});
