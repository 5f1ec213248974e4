import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { fileView, vendorFiles } from '../../db/files.ts';
import { notFound } from '../../errors.ts';
import { csvResponse } from '../../http/csv.ts';
import { readJson } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import { findRfi, openRfiFor, ownRfiResponse, rfiAnswerInput, rfiInput, rfiResponseView, rfiView, saveRfiResponse, setRfi, submittedRfiResponses } from '../../services/rfi.ts';
import { receiveVendorFile } from '../../services/vendor-files.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';

const yesNo = (v: unknown) => (v === true ? 'はい' : v === false ? 'いいえ' : v);

export const rfiRoutes = new Hono<AppEnv>()
  .put('/cases/:id/rfi', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, rfiInput);
    const rfi = await setRfi(c, row, input);
    await issueAfterEvent(c, row, 'specChange');
    return c.json({ rfi: rfiView(rfi, nowOf(c)) });
  })
  .get('/cases/:id/rfi', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'vendor');
    const rfi = await findRfi(dbOf(c), row.id);
    if (!rfi) throw notFound('この案件には情報提供依頼がありません。');
    return c.json({ rfi: rfiView(rfi, nowOf(c)) });
  })
  .put('/cases/:id/rfi/response', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const input = await readJson(c, rfiAnswerInput);
    return c.json({ response: await saveRfiResponse(c, row, user.vendorId!, input) });
  })
  .get('/cases/:id/rfi/response', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const own = await ownRfiResponse(dbOf(c), row.id, user.vendorId!);
    const attachments = await vendorFiles(dbOf(c), row.id, user.vendorId!, 'rfi');
    return c.json({ response: rfiResponseView(own, attachments.map(fileView)) });
  })
  .post('/cases/:id/rfi/response/files', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const rfi = await openRfiFor(c, row);
    const file = await receiveVendorFile(c, user as typeof user & { vendorId: string }, row, 'rfi', rfi.deadline);
    return c.json({ file: fileView(file) }, 201);
  })
  .get('/cases/:id/rfi/responses', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const { responses, priceStats } = await submittedRfiResponses(dbOf(c), row);
    return c.json({ responses, priceStats });
  })
  .get('/cases/:id/rfi/responses.csv', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const { rfi, responses } = await submittedRfiResponses(dbOf(c), row);
    const questions = rfi?.questions ?? [];
    const header = ['質問コード', '質問', ...responses.map((r) => r.vendorName)];
    const lines = questions.map((q) => [q.code, q.text, ...responses.map((r) => yesNo(r.answers[q.code]) as string | number | undefined)]);
    const submitted = ['', '提出日時', ...responses.map((r) => new Date(r.submittedAt))];
    const attached = ['', '添付ファイル', ...responses.map((r) => r.files.map((f) => f.name).join(' / '))];
    return csvResponse(c, `${row.title}_RFI回答比較.csv`, [header, ...lines, submitted, attached]);
  });
