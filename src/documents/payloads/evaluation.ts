import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { points } from '../../domain/format.ts';
import { aggregationLabels } from '../../domain/scoring.ts';
import { computeResults, findEvaluation } from '../../services/evaluation.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, caseInfo, criteriaTable, issuerOf, rankingTable } from './common.ts';

/**
 * The evaluation summary. `forPublic` leaves out each evaluator's totals: the published version shows
 * the committee's result, never what one member gave.
 */
export async function evaluationSummaryPayload(db: Db, row: CaseRow, ctx: DocumentContext, anonymizeVendors: boolean, forPublic = false): Promise<BuiltDocument | null> {
  const found = await findEvaluation(db, row.id);
  if (!found?.row.closedAt) return null;
  const results = await computeResults(db, row.id, found.row);
  const label = new Map(results.vendors.map((v) => [v.vendorId, anonymizeVendors ? v.label : v.vendorName]));
  const name = (id: string) => label.get(id) ?? '';
  // evaluators are never named in the publishable summary
  const evaluatorLabel = (i: number) => `委員${i + 1}`;
  const tables: Record<string, TableSpec> = {
    ranking: rankingTable(results, (r) => name(r.vendorId)),
    averages: {
      columns: [{ header: '評価項目', width: { fraction: 0.34 } }, ...results.ranking.map((r) => ({ header: name(r.vendorId), align: 'right' as const }))],
      rows: results.criterionAverages.map((a) => [a.name, ...results.ranking.map((r) => (a.mode === 'pass_fail' ? `適 ${Math.round((a.byVendor[r.vendorId] ?? 0) * 100)}%` : points(a.byVendor[r.vendorId] ?? 0)))]),
    },
    evaluators: {
      columns: [{ header: '評価委員', width: { fraction: 0.2 } }, ...results.ranking.map((r) => ({ header: name(r.vendorId), align: 'right' as const }))],
      rows: results.evaluatorTotals.map((e, i) => [evaluatorLabel(i), ...results.ranking.map((r) => points(e.byVendor[r.vendorId] ?? 0))]),
    },
  };
  if (forPublic) delete tables.evaluators;
  const criteria = await criteriaTable(db, row);
  if (criteria) tables.criteria = criteria;
  const preferred = results.preferred ? name(results.preferred) : '該当なし';
  const runnerUp = results.runnerUp ? name(results.runnerUp) : '該当なし';
  return {
        draft: false,
    payload: {
      case: caseInfo(row),
      issuer: issuerOf(ctx),
      summary: {
        proposals: results.ranking.length,
        evaluators: results.evaluatorCount,
        technicalMax: points(results.technicalMax),
        passLine: points(results.passLine),
        aggregationLabel: aggregationLabels[found.row.aggregation],
        preferred,
        runnerUp,
        anonymized: anonymizeVendors,
      },
      tables,
    },
  };
}

