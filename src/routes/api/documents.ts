import { Hono } from 'hono';
import { z } from 'zod';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import type { CaseRow } from '../../db/cases.ts';
import { commentResponsesPayload } from '../../documents/payloads/comments.ts';
import type { BuiltDocument, DocumentContext } from '../../documents/payloads/common.ts';
import { evaluationSummaryPayload } from '../../documents/payloads/evaluation.ts';
import {
  type DocumentKind,
  type IssuedDocumentInfo,
  type IssuedDocumentRow,
  buildDocument,
  documentTitles,
  documentsAvailable,
  drawDocument,
  findIssuedDocument,
  isDocumentKind,
  issueAfterEvent,
  issueDocument,
  issuedDocumentsOf,
  latestIssue,
  latestIssuedInfo,
  sourceDigest,
} from '../../services/issued-documents.ts';
import { issuerSettings } from '../../services/issuer.ts';
import { AppError, notFound } from '../../errors.ts';
import { attachmentDisposition } from '../../http/disposition.ts';
import { parseWith, readJson } from '../../http/json.ts';
import { awardInput, awardView, findAward, recordAward } from '../../services/award.ts';
import { loadCase } from '../../services/case-access.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { casePackage } from '../../services/ocds.ts';
import { addComment, answerComment, answerInput, commentInput, commentView, commentsOf, currentSpec, saveSpec, specInput, specVersionsOf, specView } from '../../services/spec.ts';

/** ?anonymize=0|1 (the publishable copy with or without names, as a draft) and ?draft=1 (the current data as a draft). */
export const documentQuery = z.object({ anonymize: z.enum(['0', '1']).optional(), draft: z.enum(['0', '1']).optional() });

/** A PDF download. */
export function pdfBody(c: Ctx, bytes: Uint8Array, filename: string, extra: Record<string, string> = {}) {
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'content-type': 'application/pdf',
    'content-disposition': attachmentDisposition(filename),
    'cache-control': 'private, no-store',
    ...extra,
  });
}

/** An issued version: the very bytes that were issued, with their 文書番号 and SHA-256 in the headers. */
export function issuedPdf(c: Ctx, row: CaseRow, doc: IssuedDocumentRow) {
  return pdfBody(c, doc.bytes, `${row.title}_${documentTitles[doc.kind]}_第${doc.version}版.pdf`, { 'x-document-number': encodeURIComponent(doc.number), 'x-document-sha256': doc.sha256, etag: `"${doc.sha256}"` });
}

const issuerContext = async (c: Ctx, row: CaseRow): Promise<DocumentContext> => ({ issuer: await issuerSettings(dbOf(c), row.consortiumId) });

/** Data drawn as a draft （案）, dated today: never a record, never numbered. */
async function draftBody(c: Ctx, row: CaseRow, kind: DocumentKind, built: BuiltDocument, ctx: DocumentContext) {
  const { bytes } = await drawDocument(kind, built, ctx, { issuedAt: nowOf(c), draft: true });
  return pdfBody(c, bytes, `${row.title}_${documentTitles[kind]}（案）.pdf`);
}

/** Another copy than the one issued (the evaluation result named or lettered as asked), as a draft. */
async function draftPdf(c: Ctx, row: CaseRow, kind: DocumentKind, build: (ctx: DocumentContext) => Promise<BuiltDocument | null>, notYetMessage: string) {
  const ctx = await issuerContext(c, row);
  const built = await build(ctx);
  if (!built) throw new AppError('not_yet', notYetMessage);
  return draftBody(c, row, kind, built, ctx);
}

/**
 * A document as the case's people download it: its latest issue while the data is what was issued;
 * otherwise (nothing issued, or the data changed since) the current data as a draft.
 */
async function currentPdf(c: Ctx, row: CaseRow, kind: DocumentKind, wantDraft: boolean, notYetMessage: string) {
  const db = dbOf(c);
  const ctx = await issuerContext(c, row);
  const built = await buildDocument(db, row, kind, ctx);
  if (!built) throw new AppError('not_yet', notYetMessage);
  if (!wantDraft && !built.draft) {
    const latest = await latestIssuedInfo(db, row.id, kind);
    const issued = latest && latest.sourceDigest === sourceDigest(kind, built, ctx) ? await findIssuedDocument(db, row.id, kind, latest.version) : undefined;
    if (issued) return issuedPdf(c, row, issued);
  }
  return draftBody(c, row, kind, built, ctx);
}

const versionParam = z.coerce.number({ error: '版は数字で指定してください。' }).int().min(1).max(100000);

/** The list entry of an issued version (the contract's {kind, version, number, issuedAt, sha256, url}). */
const issuedView = (row: CaseRow, d: IssuedDocumentInfo) => ({
  kind: d.kind,
  title: documentTitles[d.kind],
  version: d.version,
  number: d.number,
  issuedAt: d.issuedAt.toISOString(),
  sha256: d.sha256,
  signed: d.signed,
  warnings: d.warnings,
  url: `/api/cases/${row.id}/documents/${d.kind}/${d.version}.pdf`,
});

export const documentRoutes = new Hono<AppEnv>()
  .put('/cases/:id/spec', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, specInput);
    const saved = await saveSpec(c, row, input);
    await issueAfterEvent(c, row, 'specChange');
    return c.json({ spec: specView(saved) });
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
    await issueAfterEvent(c, row, 'commentAnswered');
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
    const award = await recordAward(c, row, input);
    await issueAfterEvent(c, row, 'award');
    return c.json({ award: awardView(award) }, 201);
  })
  .get('/cases/:id/award', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    const found = await findAward(dbOf(c), row.id);
    if (!found) throw notFound('まだ決定は記録されていません。');
    return c.json({ award: awardView(found) });
  })
  .get('/cases/:id/documents', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const issued = await issuedDocumentsOf(dbOf(c), row.id);
    return c.json({ documents: issued.map((d) => issuedView(row, d)), available: await documentsAvailable(dbOf(c), row) });
  })
  .post('/cases/:id/documents/:kind/issue', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const kind = c.req.param('kind');
    if (!isDocumentKind(kind)) throw notFound('その種類の文書はありません。');
    const { document, created } = await issueDocument(c, row, kind);
    return c.json({ document: issuedView(row, document), created }, created ? 201 : 200);
  })
  .get('/cases/:id/documents/:kind/:file{[0-9]+\\.pdf}', async (c) => {
    const kind = c.req.param('kind');
    if (!isDocumentKind(kind)) throw notFound('その種類の文書はありません。');
    // the spec and the 質問回答書 go to everyone the case is published to; the other records to the secretariat and members
    const { row } = kind === 'spec' || kind === 'question-answers' ? await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor') : await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const version = parseWith(versionParam, c.req.param('file').replace(/\.pdf$/, ''));
    const doc = await findIssuedDocument(dbOf(c), row.id, kind, version);
    if (!doc) throw notFound('その版の文書は発行されていません。');
    return issuedPdf(c, row, doc);
  })
  .get('/cases/:id/documents/spec.pdf', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    const { draft } = parseWith(documentQuery, c.req.query());
    // vendors and evaluators see the issued spec only (loadCase shows vendors a published case)
    if (user.role === 'vendor' || user.role === 'evaluator') {
      const issued = await latestIssue(c, row, 'spec');
      if (issued) return issuedPdf(c, row, issued);
      if (user.role === 'vendor') throw new AppError('not_yet', '仕様書はまだ発行されていません。');
    }
    return currentPdf(c, row, 'spec', draft === '1', 'この案件にはまだ仕様書がありません。');
  })
  .get('/cases/:id/documents/question-answers.pdf', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    // the secretariat also sees the draft of what the next publication issues; everyone else the issued 質問回答書
    if (user.role !== 'secretariat') {
      const issued = await findIssuedDocument(dbOf(c), row.id, 'question-answers');
      if (!issued) throw new AppError('not_yet', '質問回答書はまだ発行されていません。');
      return issuedPdf(c, row, issued);
    }
    const { draft } = parseWith(documentQuery, c.req.query());
    return currentPdf(c, row, 'question-answers', draft === '1', '回答した質問がないため、質問回答書は作成できません。');
  })
  .get('/cases/:id/documents/award.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { draft } = parseWith(documentQuery, c.req.query());
    return currentPdf(c, row, 'award', draft === '1', '決定が記録された後に作成できます。');
  })
  .get('/cases/:id/documents/bid-tabulation.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { draft } = parseWith(documentQuery, c.req.query());
    return currentPdf(c, row, 'bid-tabulation', draft === '1', '開札の後に作成できます。');
  })
  .get('/cases/:id/ocds', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const prefix = c.get('deps').config.ocdsPrefix;
    return c.json(await casePackage(dbOf(c), row, prefix, `${c.get('deps').config.publicUrl}/api/cases/${row.id}/ocds`, nowOf(c)));
  })
  .get('/cases/:id/documents/evaluation-summary.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { anonymize, draft } = parseWith(documentQuery, c.req.query());
    if (anonymize === undefined) return currentPdf(c, row, 'evaluation-summary', draft === '1', '評価の締切後に作成できます。');
    // the publishable copy with the vendors named or not, as asked: a draft, never the record
    return draftPdf(c, row, 'evaluation-summary', (ctx) => evaluationSummaryPayload(dbOf(c), row, ctx, anonymize === '1', true), '評価の締切後に作成できます。');
  })
  .get('/cases/:id/documents/evaluation-internal.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const { anonymize } = parseWith(documentQuery, c.req.query());
    const evaluation = await findEvaluation(dbOf(c), row.id);
    const ctx = await issuerContext(c, row);
    const built = await evaluationSummaryPayload(dbOf(c), row, ctx, anonymize === undefined ? (evaluation?.row.anonymize ?? false) : anonymize === '1', false);
    if (!built) throw new AppError('not_yet', '評価の締切後に作成できます。');
    // the committee's working copy with each evaluator's scores: 内部資料, never issued or published
    const { bytes } = await drawDocument('evaluation-summary', built, ctx, { issuedAt: nowOf(c), draft: false });
    return pdfBody(c, bytes, `${row.title}_評価結果_内部資料.pdf`);
  })
  .get('/cases/:id/documents/comment-responses.pdf', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member');
    const { anonymize, draft } = parseWith(documentQuery, c.req.query());
    if (anonymize === undefined) return currentPdf(c, row, 'comment-responses', draft === '1', '意見照会で寄せられた意見がないため、意見対応表は作成できません。');
    return draftPdf(c, row, 'comment-responses', (ctx) => commentResponsesPayload(dbOf(c), row, ctx, anonymize === '1'), '意見照会で寄せられた意見がないため、意見対応表は作成できません。');
  });
