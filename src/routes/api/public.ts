import { fiscalYearParam } from '../../http/inputs.ts';
import { Hono } from 'hono';
import { z } from 'zod';
import { type AppEnv, type Ctx, dbOf, nowOf } from '../../context.ts';
import { chainHead } from '../../db/audit.ts';
import { findConsortium } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { csvResponse } from '../../http/csv.ts';
import { parseWith } from '../../http/json.ts';
import { ocidOf } from '../../ocds/release.ts';
import { findAward, findAwards } from '../../services/award.ts';
import { caseMethodLabels, contractModeLabels } from '../../services/cases.ts';
import { casePackage, fiscalYearPackage, publishedCases } from '../../services/ocds.ts';
import { publicCase, publicDetail, publicSummary } from '../../services/public.ts';
import { findIssuedDocument, readableByPublic } from '../../services/issued-documents.ts';
import { issuedPdf } from './documents.ts';

// absolute URLs start from the configured PUBLIC_URL: a request's Host header is the client's to choose
const origin = (c: Ctx) => c.get('deps').config.publicUrl;


export const headQuery = z.object({ seq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional() }).strict();

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
    const fiscalYear = c.req.query('fiscalYear') ? parseWith(fiscalYearParam, c.req.query('fiscalYear')) : undefined;
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
    const kind = c.req.param('name').replace(/\.pdf$/, '');
    // the public reads what was issued, never causes an issue: the spec once published, the evaluation
    // result and the tabulation once the award is made (the notice is a letter to the vendor; the result
    // it states is on the public page and in OCDS)
    if (readableByPublic(kind, Boolean(await findAward(db, row.id)))) {
      const issued = await findIssuedDocument(db, row.id, kind);
      if (issued) return issuedPdf(c, row, issued);
    }
    throw new AppError('not_found', 'この文書は公開されていません。');
  })
  .get('/public/export/:fiscalYear/ocds.json', async (c) => {
    const fiscalYear = parseWith(fiscalYearParam, c.req.param('fiscalYear'));
    const pkg = await fiscalYearPackage(dbOf(c), fiscalYear, c.get('deps').config.ocdsPrefix, `${origin(c)}/api/public/export/${fiscalYear}/ocds.json`, nowOf(c));
    c.header('content-disposition', `attachment; filename="ocds-${fiscalYear}.json"`);
    return c.json(pkg);
  })
  .get('/public/export/:fiscalYear/cases.csv', async (c) => {
    const fiscalYear = parseWith(fiscalYearParam, c.req.param('fiscalYear'));
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
        row.publishedAt,
        award?.vendorName ?? '',
        award?.award.amount ?? '',
        award?.award.amountWithTax ?? '',
        award?.award.decidedAt ?? '',
      ]);
    }
    const header = ['ocid', '年度', '協議会', '件名', '調達方式', '契約形態', '公告日', '契約の相手方', '金額（税抜）', '金額（税込）', '決定日'];
    return csvResponse(c, `調達案件_${fiscalYear}年度.csv`, [header, ...lines]);
  });
