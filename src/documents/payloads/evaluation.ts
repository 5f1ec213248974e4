import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { points, pointsRule } from '../../domain/format.ts';
import { aggregationLabels } from '../../domain/scoring.ts';
import { computeResults, findEvaluation } from '../../services/evaluation.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, type Results, bodyDate, caseInfo, criteriaTable, issuerOf, rankingTable } from './common.ts';

/** Why a proposal failed, as the result states it: the pass/fail items a majority found 不適, and the 最低基準点. */
export function failureReasons(results: Results, criteria: readonly { code: string; name: string }[], proposal: Results['ranking'][number]): string[] {
  const nameOf = (code: string) => criteria.find((c) => c.code === code)?.name ?? code;
  return [
    ...proposal.failedItems.map((code) => `必須項目「${nameOf(code)}」が評価委員の過半数により不適とされたため`),
    ...(proposal.belowPassLine ? [`技術点（${points(proposal.technical)}点）が最低基準点（${points(results.passLine)}点）に達しないため`] : []),
  ];
}

/**
 * The evaluation result. The public copy (`forPublic`, the one issued and published) shows the
 * committee's result, never what one member gave; the secretariat's copy is titled and marked 内部資料
 * and adds each evaluator's technical total. The vendors are lettered while `anonymizeVendors` (the
 * issued copy names them once the award, which names them all, is made).
 */
export async function evaluationSummaryPayload(db: Db, row: CaseRow, ctx: DocumentContext, anonymizeVendors: boolean, forPublic = false): Promise<BuiltDocument | null> {
  const found = await findEvaluation(db, row.id);
  if (!found?.row.closedAt) return null;
  const results = await computeResults(db, row.id, found.row);
  const label = new Map(results.vendors.map((v) => [v.vendorId, anonymizeVendors ? v.label : v.vendorName]));
  const name = (id: string) => label.get(id) ?? '';
  const vendorColumns = results.ranking.map((r) => ({ header: name(r.vendorId), align: 'right' as const }));
  // evaluators are never named, not even in the internal copy
  const evaluatorLabel = (i: number) => `委員${i + 1}`;
  const priceCriterion = found.row.criteria.find((c) => c.mode === 'price');

  const tables: Record<string, TableSpec> = {
    ranking: rankingTable(results, (r) => name(r.vendorId)),
    scores: {
      columns: [{ header: '評価項目', width: { fraction: 0.34 } }, ...vendorColumns],
      rows: [
        ...results.criterionAverages.map((a) => [
          a.name,
          ...results.ranking.map((r) => (a.mode === 'pass_fail' ? `適 ${Math.round((a.byVendor[r.vendorId] ?? 0) * 100)}%` : points(a.byVendor[r.vendorId] ?? 0))),
        ]),
        [`技術点（${aggregationLabels[found.row.aggregation]}）`, ...results.ranking.map((r) => points(r.technical))],
        ...(priceCriterion ? [[priceCriterion.name.includes('価格') ? '価格点' : `価格点（${priceCriterion.name}）`, ...results.ranking.map((r) => points(r.price))]] : []),
        ['合計点', ...results.ranking.map((r) => points(r.total))],
      ],
    },
  };
  const failed = results.ranking.filter((r) => !r.passed);
  if (failed.length > 0) {
    tables.failures = {
      columns: [{ header: '提案者', width: { fraction: 0.3 } }, { header: '不合格の理由' }],
      rows: failed.map((r) => [name(r.vendorId), failureReasons(results, found.row.criteria, r).join('\n')]),
    };
  }
  if (!forPublic) {
    tables.evaluators = {
      columns: [{ header: '評価委員', width: { fraction: 0.2 } }, ...vendorColumns],
      rows: results.evaluatorTotals.map((e, i) => [evaluatorLabel(i), ...results.ranking.map((r) => points(e.byVendor[r.vendorId] ?? 0))]),
    };
  }
  const criteria = await criteriaTable(db, row);
  if (criteria) tables.criteria = criteria;
  return {
    draft: false,
    payload: {
      case: caseInfo(row, ctx),
      // the committee's working copy is not a notice: no seal block
      issuer: forPublic ? issuerOf(ctx) : { ...issuerOf(ctx), seal: 'none' as const },
      internal: !forPublic,
      summary: {
        proposals: results.ranking.length,
        evaluators: results.evaluatorCount,
        technicalMax: points(results.technicalMax),
        passLine: points(results.passLine),
        aggregationLabel: aggregationLabels[found.row.aggregation],
        preferred: results.preferred ? name(results.preferred) : '該当なし',
        runnerUp: results.runnerUp ? name(results.runnerUp) : '該当なし',
        closedOn: bodyDate(ctx, found.row.closedAt),
        anonymized: anonymizeVendors,
        pointsRule,
      },
      hasFailures: failed.length > 0,
      tables,
    },
  };
}
