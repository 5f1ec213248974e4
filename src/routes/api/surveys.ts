import { requireConsortiumRole } from '../../auth/session.ts';
import { Hono } from 'hono';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { intentLabels } from '../../domain/survey.ts';
import { AppError, forbidden } from '../../errors.ts';
import { csvResponse } from '../../http/csv.ts';
import { isJsonContentType, parseWith, readJson } from '../../http/json.ts';
import { declaresBody } from '../../http/raw-body.ts';
import {
  answerSurvey,
  candidateCaseInput,
  caseFromCandidate,
  confirmInput,
  confirmParticipants,
  createSurvey,
  listSurveys,
  loadSurvey,
  proposalInput,
  proposeCandidate,
  responseInput,
  responseView,
  resultsOf,
  shortlistCandidates,
  shortlistInput,
  surveyInput,
  surveyPatch,
  surveyResponsesOf,
  surveyView,
  updateSurvey,
} from '../../services/surveys.ts';

export const surveyRoutes = new Hono<AppEnv>()
  // the caller's role is checked before the body is read: a refused caller learns nothing from validation
  .post('/surveys', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, surveyInput);
    const row = await createSurvey(c, input);
    return c.json({ survey: surveyView(row, nowOf(c)) }, 201);
  })
  .get('/surveys', async (c) => {
    const rows = await listSurveys(c);
    return c.json({ surveys: rows.map((r) => surveyView(r, nowOf(c))) });
  })
  .get('/surveys/:id', async (c) => {
    const { row } = await loadSurvey(c, c.req.param('id'), 'secretariat', 'member');
    return c.json({ survey: surveyView(row, nowOf(c)) });
  })
  .patch('/surveys/:id', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, surveyPatch);
    const row = await updateSurvey(c, c.req.param('id'), input);
    return c.json({ survey: surveyView(row, nowOf(c)) });
  })
  .put('/surveys/:id/responses/:memberId', async (c) => {
    requireConsortiumRole(c, 'secretariat', 'member');
    const input = await readJson(c, responseInput);
    const response = await answerSurvey(c, c.req.param('id'), c.req.param('memberId'), input);
    return c.json({ response });
  })
  .get('/surveys/:id/responses', async (c) => {
    const { row } = await loadSurvey(c, c.req.param('id'), 'secretariat');
    const rows = await surveyResponsesOf(dbOf(c), row);
    return c.json({ responses: rows.map((r) => responseView(r.response, r.memberName)) });
  })
  .get('/surveys/:id/responses/:memberId', async (c) => {
    const { user, row } = await loadSurvey(c, c.req.param('id'), 'secretariat', 'member');
    const memberId = c.req.param('memberId');
    if (user.role === 'member' && user.memberId !== memberId) throw forbidden('他の団体の回答は表示できません。');
    const found = (await surveyResponsesOf(dbOf(c), row)).find((r) => r.response.memberId === memberId);
    if (!found) throw new AppError('not_found', 'まだ回答がありません。');
    return c.json({ response: responseView(found.response, found.memberName) });
  })
  .get('/surveys/:id/results', async (c) => {
    const { row } = await loadSurvey(c, c.req.param('id'), 'secretariat', 'member');
    return c.json(await resultsOf(dbOf(c), row));
  })
  // first stage of a two-stage survey: a member body proposes a system (the code is the service's)
  .post('/surveys/:id/candidates', async (c) => {
    requireConsortiumRole(c, 'secretariat', 'member');
    const input = await readJson(c, proposalInput);
    const candidate = await proposeCandidate(c, c.req.param('id'), input);
    return c.json({ candidate }, 201);
  })
  .post('/surveys/:id/shortlist', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, shortlistInput);
    const row = await shortlistCandidates(c, c.req.param('id'), input);
    return c.json({ survey: surveyView(row, nowOf(c)) });
  })
  .post('/surveys/:id/candidates/:code/case', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const input = await readJson(c, candidateCaseInput);
    const decided = await caseFromCandidate(c, c.req.param('id'), c.req.param('code'), input);
    return c.json(decided, 201);
  })
  .post('/surveys/:id/confirm', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    // the body may be left out (every "join" answer is confirmed); one sent is read even without a length
    const sent = declaresBody(c.req.raw) || isJsonContentType(c.req.header('content-type'));
    const input = sent ? await readJson(c, confirmInput) : parseWith(confirmInput, {});
    return c.json(await confirmParticipants(c, c.req.param('id'), input));
  })
  .get('/surveys/:id/results.csv', async (c) => {
    const { row } = await loadSurvey(c, c.req.param('id'), 'secretariat');
    const { results, members, respondents } = await resultsOf(dbOf(c), row);
    const header = ['順位', 'コード', '候補', '提案団体', '得点', '1位の数', ...Object.values(intentLabels), '参加意向の割合', '基準を満たす'];
    const lines = results.map((r, i) => [
      i + 1,
      r.code,
      r.name,
      r.proposedByName ?? '',
      r.points,
      r.firstChoices,
      r.intents.join,
      r.intents.study,
      r.intents.interested,
      r.intents.none,
      `${(r.intendingShare * 100).toFixed(1)}%`,
      r.meetsThreshold ? '○' : '',
    ]);
    return csvResponse(c, `${row.title}_集計.csv`, [header, ...lines, [], ['全団体数', members], ['回答団体数', respondents]]);
  });
