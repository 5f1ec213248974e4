import { fiscalYearParam } from '../../http/inputs.ts';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf } from '../../context.ts';
import { listCases } from '../../db/cases.ts';
import { memberKindLabels } from '../../domain/apportionment.ts';
import { optionCell } from '../../domain/options.ts';
import { csvResponse } from '../../http/csv.ts';
import { parseWith, readJson } from '../../http/json.ts';
import { apportionmentBody, apportionmentInput, computeApportionment, setApportionment } from '../../services/apportionment.ts';
import { loadCase, visibleTo } from '../../services/case-access.ts';
import { caseInput, casePatch, caseView, createCase, transitionCase, transitionInput, updateCase } from '../../services/cases.ts';
import { listParticipation, participationInput, setParticipation } from '../../services/participation.ts';
import { scheduleChangeList } from '../../services/schedule.ts';
import { addendaOf } from '../../services/addenda.ts';
import { isoDate } from '../../views/format.ts';
import { amendYear, amendmentInput, closeYear, contractPartyInput, contractsFor, savingsFor, setContractParty, yearList, yearQuery } from '../../services/contracts.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';


const idList = z
  .string()
  .max(2000)
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));
export const whatIfQuery = z.object({ with: idList, without: idList, fiscalYear: fiscalYearParam.optional() });

async function apportionmentFor(c: Ctx, caseId: string) {
  const { row } = await loadCase(c, caseId, 'secretariat', 'member');
  const query = parseWith(whatIfQuery, c.req.query());
  return { row, computed: await computeApportionment(dbOf(c), row, { with: query.with, without: query.without }, query.fiscalYear ?? row.fiscalYear) };
}

export const caseRoutes = new Hono<AppEnv>()
  // the caller's role is checked before the body is read: a refused caller learns nothing from validation
  .post('/cases', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, caseInput);
    const row = await createCase(c, input);
    return c.json({ case: caseView(row) }, 201);
  })
  .get('/cases', async (c) => {
    const user = requireConsortiumRole(c, 'secretariat', 'member', 'evaluator', 'vendor');
    const rows = await listCases(dbOf(c), user.consortiumId);
    return c.json({ cases: rows.filter((r) => visibleTo(user, r)).map(caseView) });
  })
  .get('/cases/:id', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    return c.json({ case: caseView(row) });
  })
  .patch('/cases/:id', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, casePatch);
    const row = await updateCase(c, c.req.param('id'), input);
    await issueAfterEvent(c, row, 'specChange');
    return c.json({ case: caseView(row) });
  })
  // 日程の変更: every move of a deadline or an opening after bids or proposals arrived, with its reason
  .get('/cases/:id/schedule-changes', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    return c.json({ changes: await scheduleChangeList(dbOf(c), row.id) });
  })
  // 変更・追加: every change to the case since its publication, numbered, with its reason and the before and after
  .get('/cases/:id/addenda', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    return c.json({ addenda: await addendaOf(dbOf(c), row.id) });
  })
  .post('/cases/:id/transition', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const { to } = await readJson(c, transitionInput);
    const row = await transitionCase(c, c.req.param('id'), to);
    await issueAfterEvent(c, row, 'transition');
    return c.json({ case: caseView(row) });
  })
  .put('/cases/:id/participants/:memberId', async (c) => {
    requireConsortiumRole(c, 'secretariat', 'member');
    const input = await readJson(c, participationInput);
    const participant = await setParticipation(c, c.req.param('id'), c.req.param('memberId'), input);
    return c.json({ participant });
  })
  .get('/cases/:id/participants', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const list = await listParticipation(dbOf(c), user.consortiumId, row.id);
    return c.json({ participants: list.flatMap((p) => (p.participant ? [p.participant] : [])) });
  })
  .put('/cases/:id/apportionment', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, apportionmentInput);
    return c.json(await setApportionment(c, c.req.param('id'), input));
  })
  .get('/cases/:id/apportionment', async (c) => {
    const { computed } = await apportionmentFor(c, c.req.param('id'));
    return c.json(apportionmentBody(computed));
  })
  .get('/cases/:id/apportionment.csv', async (c) => {
    const { row, computed } = await apportionmentFor(c, c.req.param('id'));
    const body = apportionmentBody(computed);
    const list = await listParticipation(dbOf(c), row.consortiumId, row.id);
    const shareOf = new Map(body.shares.map((s) => [s.memberId, s]));
    const header = ['団体コード', '団体名', '区分', '参加', '参加日', '後乗り', ...row.options.map((o) => o.name), '基本負担額', 'オプション料金', '負担額合計'];
    const lines = list.map(({ member, participant }) => {
      const share = shareOf.get(member.id);
      const joined = participant?.participating === true;
      return [
        member.code,
        member.name,
        memberKindLabels[member.kind],
        joined ? '参加' : '不参加',
        joined && participant.joinedAt ? isoDate(participant.joinedAt) : '',
        joined && participant.lateJoin ? '後乗り' : '',
        ...row.options.map((o) => (joined ? optionCell(o, participant.options[o.code]) : '')),
        share?.base ?? '',
        share?.optionCharges ?? '',
        share?.amount ?? '',
      ];
    });
    const totals = ['', '合計', '', '', '', '', ...row.options.map(() => ''), body.total, body.optionTotal, body.sum];
    return csvResponse(c, `${row.title}_参加団体と負担額.csv`, [header, ...lines, totals]);
  })
  // 年度の締め: the year's shares are frozen; nothing later changes them
  .post('/cases/:id/years/:fiscalYear/close', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const fiscalYear = parseWith(fiscalYearParam, c.req.param('fiscalYear'));
    return c.json(await closeYear(c, c.req.param('id'), fiscalYear));
  })
  .get('/cases/:id/years', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    return c.json({ years: await yearList(dbOf(c), row) });
  })
  // 変更: a closed year re-issued from the record, with its reason
  .post('/cases/:id/years/:fiscalYear/amendments', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const fiscalYear = parseWith(fiscalYearParam, c.req.param('fiscalYear'));
    const input = await readJson(c, amendmentInput);
    return c.json(await amendYear(c, c.req.param('id'), fiscalYear, input), 201);
  })
  .put('/cases/:id/contract-party', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const { memberId } = await readJson(c, contractPartyInput);
    const row = await setContractParty(c, c.req.param('id'), memberId);
    return c.json({ case: caseView(row) });
  })
  .get('/cases/:id/contracts', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { fiscalYear } = parseWith(yearQuery, c.req.query());
    return c.json(await contractsFor(dbOf(c), user, row, fiscalYear));
  })
  .get('/cases/:id/contracts.csv', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { fiscalYear } = parseWith(yearQuery, c.req.query());
    const list = await contractsFor(dbOf(c), user, row, fiscalYear);
    const header = ['年度', '契約の区分', '契約者', '契約の相手方', '負担団体', '金額（税抜）', '金額（税込）', ...row.options.map((o) => o.name)];
    const lines = list.contracts.flatMap((k) => {
      const kind = k.kind === 'bulk' ? '一括契約' : '個別契約';
      const options = (chosen: Record<string, boolean | number> | undefined) => row.options.map((o) => (chosen ? optionCell(o, chosen[o.code]) : ''));
      const head = [k.fiscalYear, kind, k.partyName, list.vendorName, '', k.amount, k.amountWithTax, ...options(k.options)];
      return [head, ...(k.charges ?? []).map((ch) => [k.fiscalYear, '負担金', k.partyName, list.vendorName, ch.memberName, ch.amount, ch.amountWithTax, ...options(undefined)])];
    });
    return csvResponse(c, `${row.title}_${list.fiscalYear}年度_契約.csv`, [header, ...lines]);
  })
  .get('/cases/:id/savings', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { fiscalYear } = parseWith(yearQuery, c.req.query());
    return c.json(await savingsFor(dbOf(c), user, row, fiscalYear));
  });

