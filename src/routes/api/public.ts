import { Hono } from 'hono';
import { z } from 'zod';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import { chainHead } from '../../db/audit.ts';
import type { CaseRow } from '../../db/cases.ts';
import { findConsortium } from '../../db/tenancy.ts';
import { awardPayload, evaluationSummaryPayload, specPayload, tabulationPayload } from '../../documents/payloads.ts';
import { AppError, notFound } from '../../errors.ts';
import { csvResponse } from '../../http/csv.ts';
import { parseWith } from '../../http/json.ts';
import { ocidOf } from '../../ocds/release.ts';
import { awardView, findAward, findAwards } from '../../services/award.ts';
import { type OpenedRound, findBidding, visiblePrices } from '../../services/bidding.ts';
import { caseMethodLabels, contractModeLabels, negotiatedView } from '../../services/cases.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { casePackage, fiscalYearPackage, publishedCases } from '../../services/ocds.ts';
import { listParticipation } from '../../services/participation.ts';
import { pdfResponse } from './documents.ts';

// absolute URLs start from the configured PUBLIC_URL: a request's Host header is the client's to choose
const origin = (c: Ctx) => c.get('deps').config.publicUrl;

/** A case the public may see: published (RFI or notice) in any consortium; anything else is 404. */
export async function publicCase(c: Ctx, id: string): Promise<{ row: CaseRow; consortiumName: string }> {
  const [found] = await publishedCases(dbOf(c), { id });
  if (!found) throw notFound('指定された案件は公開されていません。');
  return found;
}

export function publicSummary(row: CaseRow, consortiumName: string) {
  return {
    id: row.id,
    title: row.title,
    consortium: consortiumName,
    method: row.method,
    methodLabel: caseMethodLabels[row.method],
    // a 随意契約 is published with the item of 第167条の2 第1項 it rests on, and why
    ...negotiatedView(row),
    contractMode: row.contractMode,
    contractModeLabel: contractModeLabels[row.contractMode],
    fiscalYear: row.fiscalYear,
    state: row.state,
    publishedAt: row.publishedAt!.toISOString(),
  };
}

/** The notice and, once decided, the result: only what a resident may read. */
export async function publicDetail(c: Ctx, row: CaseRow, consortiumName: string) {
  const db = dbOf(c);
  const bidding = await findBidding(db, row.id);
  const round = bidding?.rounds.at(-1);
  const opened = (bidding?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  const award = await findAward(db, row.id);
  const evaluation = await findEvaluation(db, row.id);
  const participants = (await listParticipation(db, row.consortiumId, row.id)).filter((p) => p.participant?.participating).map((p) => p.member.name);
  const base = `/api/public/cases/${row.id}/documents`;
  return {
    ...publicSummary(row, consortiumName),
    description: row.description,
    rfiDeadline: row.rfiDeadline?.toISOString() ?? null,
    submissionDeadline: row.submissionDeadline?.toISOString() ?? null,
    bidding: bidding
      ? {
          deadlineAt: round!.deadlineAt.toISOString(),
          openingAt: round!.openingAt.toISOString(),
          // the reserved prices as the public may see them: published with the result, never between rounds
          ...visiblePrices(row, bidding.config, bidding.rounds, false),
        }
      : null,
    participants,
    documents: [
      { name: '仕様書', url: `${base}/spec.pdf` },
      ...(award ? [{ name: '決定通知', url: `${base}/award.pdf` }] : []),
      ...(award && evaluation?.row.closedAt ? [{ name: '評価結果', url: `${base}/evaluation-summary.pdf` }] : []),
      ...(award && opened.length > 0 ? [{ name: '入札経過調書', url: `${base}/bid-tabulation.pdf` }] : []),
    ],
    result: award ? awardView(award) : null,
    ocid: ocidOf(c.get('deps').config.ocdsPrefix, row.id),
    ocds: `/api/public/cases/${row.id}/ocds`,
  };
}

const yearParam = z.coerce.number().int().min(2000).max(2100);

const headQuery = z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

export const publicRoutes = new Hono<AppEnv>()
  // the head of a consortium's audit chain: a copy kept by anyone later proves the record was not rewritten;
  // ?seq= answers the link at that place, to compare with a copy kept earlier
  .get('/public/consortia/:id/audit-head', async (c) => {
    const consortium = await findConsortium(dbOf(c), c.req.param('id'));
    if (!consortium) throw notFound('指定された協議会が見つかりません。');
    const { seq } = parseWith(headQuery, c.req.query());
    const head = await chainHead(dbOf(c), c.get('deps').keys.audit, consortium.id, seq);
    if (!head) throw notFound('監査記録にその番号の記録はありません。');
    return c.json(head);
  })
  .get('/public/cases', async (c) => {
    const fiscalYear = c.req.query('fiscalYear') ? parseWith(yearParam, c.req.query('fiscalYear')) : undefined;
    const rows = await publishedCases(dbOf(c), { fiscalYear });
    return c.json({ cases: rows.map((r) => publicSummary(r.row, r.consortiumName)) });
  })
  .get('/public/cases/:id', async (c) => {
    const { row, consortiumName } = await publicCase(c, c.req.param('id'));
    return c.json({ case: await publicDetail(c, row, consortiumName) });
  })
  .get('/public/cases/:id/ocds', async (c) => {
    const { row } = await publicCase(c, c.req.param('id'));
    return c.json(await casePackage(dbOf(c), row, c.get('deps').config.ocdsPrefix, `${origin(c)}/api/public/cases/${row.id}/ocds`, nowOf(c)));
  })
  .get('/public/cases/:id/documents/:name{[a-z-]+\\.pdf}', async (c) => {
    const { row } = await publicCase(c, c.req.param('id'));
    const db = dbOf(c);
    const award = await findAward(db, row.id);
    switch (c.req.param('name')) {
      case 'spec.pdf':
        return pdfResponse(c, 'spec', `${row.title}_仕様書.pdf`, await specPayload(db, row));
      case 'award.pdf': {
        const built = award ? await awardPayload(db, row) : null;
        if (!built) break;
        return pdfResponse(c, 'award', `${row.title}_決定通知.pdf`, built);
      }
      case 'evaluation-summary.pdf': {
        const evaluation = await findEvaluation(db, row.id);
        const built = award && evaluation ? await evaluationSummaryPayload(db, row, evaluation.row.anonymize, true) : null;
        if (!built) break;
        return pdfResponse(c, 'evaluation-summary', `${row.title}_評価結果.pdf`, built);
      }
      case 'bid-tabulation.pdf': {
        const built = award ? await tabulationPayload(db, row) : null;
        if (!built) break;
        return pdfResponse(c, 'bid-tabulation', `${row.title}_入札経過調書.pdf`, built);
      }
    }
    throw new AppError('not_found', 'この文書は公開されていません。');
  })
  .get('/public/export/:fiscalYear/ocds.json', async (c) => {
    const fiscalYear = parseWith(yearParam, c.req.param('fiscalYear'));
    const pkg = await fiscalYearPackage(dbOf(c), fiscalYear, c.get('deps').config.ocdsPrefix, `${origin(c)}/api/public/export/${fiscalYear}/ocds.json`, nowOf(c));
    c.header('content-disposition', `attachment; filename="ocds-${fiscalYear}.json"`);
    return c.json(pkg);
  })
  .get('/public/export/:fiscalYear/cases.csv', async (c) => {
    const fiscalYear = parseWith(yearParam, c.req.param('fiscalYear'));
    const db = dbOf(c);
    const rows = await publishedCases(db, { fiscalYear });
    const awarded = await findAwards(db, rows.map((r) => r.row.id));
    const lines = [];
    for (const { row, consortiumName } of rows) {
      const award = awarded.get(row.id);
      lines.push([
        ocidOf(c.get('deps').config.ocdsPrefix, row.id),
        row.fiscalYear,
        consortiumName,
        row.title,
        caseMethodLabels[row.method],
        contractModeLabels[row.contractMode],
        row.publishedAt!.toISOString(),
        award?.vendorName ?? '',
        award?.award.amount ?? '',
        award?.award.amountWithTax ?? '',
        award?.award.decidedAt.toISOString() ?? '',
      ]);
    }
    const header = ['ocid', '年度', '協議会', '件名', '調達方式', '契約形態', '公告日', '契約の相手方', '金額（税抜）', '金額（税込）', '決定日'];
    return csvResponse(c, `調達案件_${fiscalYear}年度.csv`, [header, ...lines]);
  });
