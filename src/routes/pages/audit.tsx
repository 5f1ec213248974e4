import { Hono } from 'hono';
import { requireRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { csvResponse } from '../../http/csv.ts';
import { parseWith } from '../../http/json.ts';
import { type AuditFilter, auditChoices, auditFilterInput, auditTrail, chainOfUser, verifyTrail } from '../../services/audit-trail.ts';
import { auditActionLabel, auditObjectLabel } from '../../views/audit-labels.ts';
import { AuditFilterForm, AuditTable, Pager, VerdictBox } from '../../views/audit-trail.tsx';
import { isoDate } from '../../views/format.ts';
import { Layout, roleLabels } from '../../views/layout.tsx';
import { formError } from './form.ts';
import { ErrorBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';

const PAGE_SIZE = 50;
const CSV_LIMIT = 50_000;

/** The filter of the query string; a refused one is the Japanese message, and the page lists nothing. */
function readFilter(c: Ctx): { filter: AuditFilter; error?: undefined } | { filter?: undefined; error: string } {
  const q = c.req.query();
  try {
    return { filter: parseWith(auditFilterInput, { from: q.from, to: q.to, actor: q.actor, action: q.action, caseId: q.caseId, target: q.target, page: q.page || undefined }) };
  } catch (err) {
    if (err instanceof AppError) return { error: formError(err) };
    throw err;
  }
}

export const auditPages = new Hono<AppEnv>()
  .get('/audit', async (c) => {
    const me = requireRole(c, 'secretariat', 'operator');
    const chainKey = chainOfUser(me);
    const { filter, error } = readFilter(c);
    const verdict = c.req.query('verify') ? await verifyTrail(c, chainKey) : null;
    const trail = filter ? await auditTrail(c, chainKey, filter, PAGE_SIZE, (filter.page - 1) * PAGE_SIZE) : null;
    const choices = await auditChoices(dbOf(c), chainKey);
    const shown: Partial<AuditFilter> = filter ?? c.req.query();
    const pages = trail ? Math.max(1, Math.ceil(trail.total / PAGE_SIZE)) : 1;
    return renderPage(
      c,
      <Layout title="監査ログ" user={me}>
        <h1>監査ログ</h1>
        <p>
          {me.role === 'operator' ? '運営者による操作（協議会の作成など）' : '協議会での操作（ログイン、登録、案件の変更、提出、開札など）'}
          の記録です。記録は追記のみで、一件ごとに前の記録とハッシュでつながっています。「検証する」で、書き換えや削除がないかを確かめられます。
        </p>
        <form method="get" action="/audit" class="card verify-form">
          <h2>改ざんの検証</h2>
          <p>すべての記録を最初から順にたどり、内容とつながりが正しいかを確かめます。</p>
          {verdict ? <VerdictBox verdict={verdict} /> : null}
          {/* the filters shown below are kept when the check answers */}
          {Object.entries(filter ? { ...filter, page: String(filter.page) } : {}).map(([k, v]) =>
            v && !(k === 'page' && v === '1') ? <input type="hidden" name={k} value={String(v)} /> : null,
          )}
          <input type="hidden" name="verify" value="1" />
          <button type="submit" class="primary">
            検証する
          </button>
        </form>
        <h2>記録の一覧</h2>
        <ErrorBox message={error} />
        <AuditFilterForm filter={shown} choices={choices} />
        {trail && filter ? (
          <>
            <AuditTable entries={trail.entries} total={trail.total} offset={(filter.page - 1) * PAGE_SIZE} />
            <Pager filter={filter} page={filter.page} pages={pages} />
          </>
        ) : null}
      </Layout>,
      error ? 400 : 200,
    );
  })
  .get('/audit/csv', async (c) => {
    const me = requireRole(c, 'secretariat', 'operator');
    const { filter, error } = readFilter(c);
    if (!filter) throw new AppError('validation_error', error);
    const { entries } = await auditTrail(c, chainOfUser(me), { ...filter, page: 1 }, CSV_LIMIT, 0);
    const rows = [
      ['番号', '日時（日本時間）', '操作者', '操作者の権限', '操作', '操作コード', '対象の種類', '対象ID', '案件', '内容'],
      ...entries.map((e) => [
        e.seq,
        e.at,
        e.actorName ?? 'システム',
        e.actorRole ? (roleLabels[e.actorRole as keyof typeof roleLabels] ?? e.actorRole) : '',
        auditActionLabel(e.action),
        e.action,
        auditObjectLabel(e.objectType),
        e.objectId,
        e.caseTitle ?? e.caseId,
        JSON.stringify(e.details),
      ]),
    ];
    return csvResponse(c, `監査ログ_${isoDate(c.get('deps').clock.now())}.csv`, rows);
  });

