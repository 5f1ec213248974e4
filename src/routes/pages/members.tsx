import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { listMembers } from '../../db/tenancy.ts';
import { memberKindLabels, memberKinds } from '../../domain/apportionment.ts';
import type { ImportOutcome } from '../../services/member-import.ts';
import { importMembers } from '../../services/member-import.ts';
import { count } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { CsvImportForm, ImportErrors } from '../../views/csv-import.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { countsFrom, readForm, uploadedFile, withCounts } from './form.ts';

async function membersPage(c: Ctx, outcome?: ImportOutcome, error?: string) {
  const user = requireConsortiumRole(c, 'secretariat', 'member');
  const rows = await listMembers(dbOf(c), user.consortiumId);
  const years = [...new Set(rows.flatMap((m) => Object.keys(m.births)))].sort().slice(-3);
  const failed = Boolean(error) || (outcome !== undefined && outcome.errors.length > 0);
  return renderPage(
    c,
    <Layout title="参加団体" user={user}>
      <h1>参加団体</h1>
      {outcome && outcome.errors.length === 0 ? (
        <SuccessBox message={`取り込みました（新規 ${outcome.created} 団体、更新 ${outcome.updated} 団体）。`} />
      ) : null}
      <ErrorBox message={error} />
      {outcome ? <ImportErrors errors={outcome.errors} /> : null}
      <div class="table-wrap">
        <table>
          <caption>協議会の構成団体（{rows.length}団体）</caption>
          <thead>
            <tr>
              <th scope="col">団体コード</th>
              <th scope="col">団体名</th>
              <th scope="col">区分</th>
              <th scope="col" class="num">人口</th>
              {years.map((y) => (
                <th scope="col" class="num">
                  出生数（{y}年度）
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr>
                <td>{m.code ?? '—'}</td>
                <th scope="row">{m.name}</th>
                <td>{memberKindLabels[m.kind]}</td>
                <td class="num">{count(m.population)}</td>
                {years.map((y) => (
                  <td class="num">{count(m.births[y])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {user.role === 'secretariat' ? (
        <CsvImportForm action="/members/import" heading="CSVから取り込む">
          1行目は見出しで、<code>団体名,区分,団体コード,人口,出生数_2023,…</code>（区分は {memberKinds.map((k) => memberKindLabels[k]).join('・')}）。
          団体コードが登録済みの行は人口・出生数を更新します。
        </CsvImportForm>
      ) : null}
    </Layout>,
    failed ? 400 : 200,
  );
}

export const memberPages = new Hono<AppEnv>()
  .get('/members', (c) => {
    const imported = countsFrom(c, 'imported', ['created', 'updated']);
    return membersPage(c, imported && { ...imported, errors: [] });
  })
  // a taken file answers with a redirect, so reloading the page does not send the file again
  .post('/members/import', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const form = await readForm(c);
    const bytes = await uploadedFile(form, 'file');
    if (!bytes) return membersPage(c, undefined, 'CSVファイルを選んでください。');
    const outcome = await importMembers(c, bytes);
    if (outcome.errors.length > 0) return membersPage(c, outcome);
    return c.redirect(withCounts('/members', 'imported', { created: outcome.created, updated: outcome.updated }), 303);
  });
