import { compareNames } from '../../domain/names.ts';
import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import { hasPassed } from '../../domain/deadline.ts';
import { pointsRule, roundPoints } from '../../domain/format.ts';
import { aggregationLabels } from '../../domain/scoring.ts';
import { AppError } from '../../errors.ts';
import { csvResponse } from '../../http/csv.ts';
import { readJson, readOptionalJson } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import {
  closeEvaluation,
  coiInput,
  computeResults,
  declareConflict,
  evaluationInput,
  evaluationProgress,
  evaluationView,
  ownSheet,
  proposalsForEvaluator,
  reopenInput,
  reopenSheet,
  requireEvaluation,
  saveSheet,
  setEvaluation,
  sheetInput,
  submitInput,
  submitSheet,
  clearedEvaluator,
} from '../../services/evaluation.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';

/** Results exist once the evaluation is closed; before that they are 409 evaluation_open. */
export async function closedResults(c: Ctx, caseId: string) {
  const { row } = await loadCase(c, caseId, 'secretariat');
  const { row: evaluation } = await requireEvaluation(dbOf(c), row.id);
  if (!evaluation.closedAt) throw new AppError('evaluation_open');
  return { row, evaluation, results: await computeResults(dbOf(c), row.id, evaluation) };
}

export const evaluationRoutes = new Hono<AppEnv>()
  .put('/cases/:id/evaluation', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, evaluationInput);
    await setEvaluation(c, row, input);
    await issueAfterEvent(c, row, 'specChange');
    const found = await requireEvaluation(dbOf(c), row.id);
    return c.json({ evaluation: evaluationView(found.row, found.committee) });
  })
  .get('/cases/:id/evaluation', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'evaluator');
    const found = await requireEvaluation(dbOf(c), row.id);
    if (user.role === 'evaluator' && !found.committee.some((e) => e.userId === user.id)) throw new AppError('not_found', 'この案件の評価委員ではありません。');
    const own = found.committee.find((e) => e.userId === user.id);
    return c.json({
      evaluation: evaluationView(found.row, found.committee),
      ...(own ? { declaration: { declared: own.conflict !== null, conflict: own.conflict } } : {}),
    });
  })
  .post('/cases/:id/evaluation/coi', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    const input = await readJson(c, coiInput);
    const saved = await declareConflict(c, row, input);
    return c.json({ declaration: { conflict: saved.conflict, note: saved.note, declaredAt: saved.declaredAt?.toISOString() } });
  })
  .get('/cases/:id/evaluation/proposals', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    await clearedEvaluator(c, row);
    if (!hasPassed(nowOf(c), row.submissionDeadline)) throw new AppError('not_yet', '提案書は提出期限の後に閲覧できます。');
    const { row: evaluation } = await requireEvaluation(dbOf(c), row.id);
    return c.json({ proposals: await proposalsForEvaluator(c, row.id, evaluation) });
  })
  // An evaluator's sheet paths take the proposal's ref from the list above (the vendor id, or while the
  // evaluation is anonymised its alias); the secretariat's reopen below takes the vendor id itself.
  .put('/cases/:id/evaluation/sheets/:ref', async (c) => {
    // the committee's busiest call: the case, the caller's place on it and the write each take one query
    requireConsortiumRole(c, 'evaluator');
    const input = await readJson(c, sheetInput);
    return c.json({ sheet: await saveSheet(c, c.req.param('id'), c.req.param('ref'), input) });
  })
  .get('/cases/:id/evaluation/sheets/:ref', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    const { sheet } = await ownSheet(c, row, c.req.param('ref'));
    return c.json({ sheet });
  })
  .post('/cases/:id/evaluation/sheets/:ref/submit', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    const input = await readOptionalJson(c, submitInput);
    return c.json({ sheet: await submitSheet(c, row, c.req.param('ref'), input) });
  })
  .post('/cases/:id/evaluation/sheets/:vendorId/reopen', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, reopenInput);
    return c.json({ sheet: await reopenSheet(c, row, c.req.param('vendorId'), input) });
  })
  .get('/cases/:id/evaluation/progress', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    return c.json({ evaluators: await evaluationProgress(dbOf(c), row.id) });
  })
  .post('/cases/:id/evaluation/close', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const closed = await closeEvaluation(c, row);
    await issueAfterEvent(c, row, 'evaluationClosed');
    return c.json({ closed: true, closedAt: closed.closedAt?.toISOString() });
  })
  .get('/cases/:id/evaluation/results', async (c) => {
    const { results } = await closedResults(c, c.req.param('id'));
    const { vendors: _vendors, ...body } = results;
    return c.json(body);
  })
  .get('/cases/:id/evaluation/results.csv', async (c) => {
    const { row, evaluation, results } = await closedResults(c, c.req.param('id'));
    const progress = await evaluationProgress(dbOf(c), row.id);
    const nameOf = (id: string) => progress.find((p) => p.userId === id)?.name ?? id;
    const committee = [...results.evaluatorTotals].sort((x, y) => compareNames(nameOf(x.evaluatorId), nameOf(y.evaluatorId)));
    const header = ['順位', '提案者', '技術点', '価格点', '合計点', '合否', '同点', ...committee.map((e) => `${nameOf(e.evaluatorId)}（技術点）`)];
    const round = roundPoints;
    const lines = results.ranking.map((r) => [
      r.rank,
      r.vendorName,
      round(r.technical),
      round(r.price),
      round(r.total),
      r.passed ? '合格' : '不合格',
      r.tie ? '同点' : '',
      ...committee.map((e) => round(e.byVendor[r.vendorId] ?? 0)),
    ]);
    const criteria = [[], ['評価項目', ...results.ranking.map((r) => r.vendorName)], ...results.criterionAverages.map((a) => [a.name, ...results.ranking.map((r) => round(a.byVendor[r.vendorId] ?? 0))])];
    return csvResponse(c, `${row.title}_評価結果.csv`, [header, ...lines, ...criteria, [], ['集計方法', aggregationLabels[evaluation.aggregation]], ['最低基準点', round(results.passLine)], ['端数処理', pointsRule]]);
  })
  // the secretariat's view of all proposals, after the deadline (evaluators use /evaluation/proposals)
  .get('/cases/:id/proposals', async (c, next) => {
    const user = requireConsortiumRole(c, 'secretariat', 'evaluator', 'member', 'vendor');
    if (user.role !== 'evaluator') return next();
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    await clearedEvaluator(c, row);
    if (!hasPassed(nowOf(c), row.submissionDeadline)) throw new AppError('not_yet', '提案書は提出期限の後に閲覧できます。');
    const { row: evaluation } = await requireEvaluation(dbOf(c), row.id);
    return c.json({ proposals: await proposalsForEvaluator(c, row.id, evaluation) });
  });
