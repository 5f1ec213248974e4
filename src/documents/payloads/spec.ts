import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { aggregationLabels } from '../../domain/scoring.ts';
import { findBidding } from '../../services/bidding.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { currentSpec } from '../../services/spec.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, caseInfo, criteriaTable, issuerOf, memberOptionTable, when } from './common.ts';

export async function specPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument> {
  const spec = await currentSpec(db, row.id);
  const { table: memberOptions, count } = await memberOptionTable(db, row);
  const bidding = await findBidding(db, row.id);
  const round1 = bidding?.rounds[0];
  const evaluation = await findEvaluation(db, row.id);
  const requirements: TableSpec | null = spec?.requirements.length
    ? {
        columns: [
          { header: '番号', width: { fraction: 0.12 } },
          { header: '要件' },
          { header: '区分', width: { fraction: 0.12 }, align: 'center' },
        ],
        rows: spec.requirements.map((r) => [r.code, r.text, r.level === 'must' ? '必須' : '任意']),
      }
    : null;
  const criteria = await criteriaTable(db, row);
  const tables: Record<string, TableSpec> = { memberOptions };
  if (requirements) tables.requirements = requirements;
  if (criteria) tables.criteria = criteria;
  return {
    // a spec is a draft (案) until the case is published
    draft: ['draft', 'rfi', 'spec_review'].includes(row.state),
    payload: {
      case: caseInfo(row),
      issuer: issuerOf(ctx),
      version: spec?.version ?? null,
      participantCount: count,
      optionCount: row.options.length,
      sections: (spec?.sections ?? []).map((s) => ({ heading: s.heading, paragraphs: s.body.split(/\n+/).filter((p) => p.trim() !== '') })),
      hasRequirements: Boolean(requirements),
      schedule: {
        rfiDeadline: when(row.rfiDeadline),
        submissionDeadline: when(row.submissionDeadline),
        bidDeadline: when(round1?.deadlineAt),
        opening: when(round1?.openingAt),
      },
      hasSchedule: Boolean(row.rfiDeadline || row.submissionDeadline || round1),
      evaluation: evaluation
        ? { passRatioPercent: Math.round(Number(evaluation.row.passRatio) * 100), aggregationLabel: aggregationLabels[evaluation.row.aggregation] }
        : null,
      tables,
    },
  };
}

