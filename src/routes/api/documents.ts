import { Hono } from 'hono';
import { z } from 'zod';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import { awardPayload, commentResponsesPayload, evaluationSummaryPayload, specPayload, tabulationPayload } from '../../documents/payloads.ts';
import type { DocumentPayload } from '../../documents/template.ts';
import { DocumentTemplateError, renderDocument } from '../../documents/renderer.ts';
import { AppError, notFound } from '../../errors.ts';
import { attachmentDisposition } from '../../http/disposition.ts';
import { parseWith, readJson } from '../../http/json.ts';
import { awardInput, awardView, findAward, recordAward } from '../../services/award.ts';
import { loadCase } from '../../services/case-access.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { casePackage } from '../../services/ocds.ts';
import { availableDocuments } from '../../services/documents.ts';
import { addComment, answerComment, answerInput, commentInput, commentView, commentsOf, currentSpec, saveSpec, specInput, specVersionsOf, specView } from '../../services/spec.ts';

const anonymizeQuery = z.object({ anonymize: z.enum(['0', '1']).optional() });

/** Renders one document as a PDF download; a template error is reported in Japanese, never as a crash. */
export async function pdfResponse(c: Ctx, name: string, filename: string, built: { payload: DocumentPayload; author: string; draft?: boolean }) {
  let bytes: Uint8Array;
  try {
    bytes = await renderDocument(name, built.payload, { author: built.author, issuedAt: nowOf(c), draft: built.draft ?? false });
  } catch (err) {
    if (err instanceof DocumentTemplateError) {
      // a broken template is the operator's to fix: the log names it, the user gets the plain message
      console.error(err.message);
      throw new AppError('internal');
    }
    throw err;
  }
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/pdf',
    'content-disposition': attachmentDisposition(filename),
    'cache-control': 'private, no-store',
  });
}

export const documentRoutes = new Hono<AppEnv>()
  .put('/cases/:id/spec', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, specInput);
    return c.json({ spec: specView(await saveSpec(c, row, input)) });
  })
  .get('/cases/:id/spec', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const spec = await currentSpec(dbOf(c), row.id);
    if (!spec) throw notFound('この案件にはまだ仕様書案がありません。');
    return c.json({ spec: specView(spec) });
  })
  .get('/cases/:id/spec/versions', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    return c.json({ versions: (await specVersionsOf(dbOf(c), row.id)).map(specView) });
  })
  .post('/cases/:id/spec/comments', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'member');
    const input = await readJson(c, commentInput);
    const saved = await addComment(c, row, user, input);
    const [one] = await commentsOf(dbOf(c), row.id, saved.id);
    return c.json({ comment: commentView(one!) }, 201);
  })
  .put('/cases/:id/spec/comments/:commentId', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, answerInput);
    const saved = await answerComment(c, row, c.req.param('commentId'), input);
    const [one] = await commentsOf(dbOf(c), row.id, saved.id);
    return c.json({ comment: commentView(one!) });
  })
  .get('/cases/:id/spec/comments', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    return c.json({ comments: (await commentsOf(dbOf(c), row.id)).map(commentView) });
  })
  .post('/cases/:id/award', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, awardInput);
    return c.json({ award: awardView(await recordAward(c, row, input)) }, 201);
  })
  .get('/cases/:id/award', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    const found = await findAward(dbOf(c), row.id);
    if (!found) throw notFound('まだ決定は記録されていません。');
    return c.json({ award: awardView(found) });
  })
  .get('/cases/:id/documents', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    return c.json({ documents: await availableDocuments(c, row) });
  })
  .get('/cases/:id/documents/spec.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    // vendors see the spec once the case is published to them (loadCase checks that)
    return pdfResponse(c, 'spec', `${row.title}_仕様書.pdf`, await specPayload(dbOf(c), row));
  })
  .get('/cases/:id/documents/award.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const built = await awardPayload(dbOf(c), row);
    if (!built) throw new AppError('not_yet', '決定が記録された後に作成できます。');
    return pdfResponse(c, 'award', `${row.title}_決定通知.pdf`, built);
  })
  .get('/cases/:id/documents/bid-tabulation.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const built = await tabulationPayload(dbOf(c), row);
    if (!built) throw new AppError('not_yet', '開札の後に作成できます。');
    return pdfResponse(c, 'bid-tabulation', `${row.title}_入札経過調書.pdf`, built);
  })
  .get('/cases/:id/ocds', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const prefix = c.get('deps').config.ocdsPrefix;
    return c.json(await casePackage(dbOf(c), row, prefix, `${c.get('deps').config.publicUrl}/api/cases/${row.id}/ocds`, nowOf(c)));
  })
  .get('/cases/:id/documents/evaluation-summary.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { anonymize } = parseWith(anonymizeQuery, c.req.query());
    const evaluation = await findEvaluation(dbOf(c), row.id);
    const built = await evaluationSummaryPayload(dbOf(c), row, anonymize === undefined ? (evaluation?.row.anonymize ?? false) : anonymize === '1');
    if (!built) throw new AppError('not_yet', '評価の締切後に作成できます。');
    return pdfResponse(c, 'evaluation-summary', `${row.title}_評価結果.pdf`, built);
  })
  .get('/cases/:id/documents/comment-responses.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { anonymize } = parseWith(anonymizeQuery, c.req.query());
    return pdfResponse(c, 'comment-responses', `${row.title}_意見対応表.pdf`, await commentResponsesPayload(dbOf(c), row, anonymize === '1'));
  });
