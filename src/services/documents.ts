import { type Ctx, dbOf } from '../context.ts';
import type { CaseRow } from '../db/cases.ts';
import { findAward } from './award.ts';
import { findBidding } from './bidding.ts';
import { findEvaluation } from './evaluation.ts';
import { hasComments } from './spec.ts';

/** The documents a case has so far (a document whose data does not exist yet is not offered). */
export async function availableDocuments(c: Ctx, row: CaseRow) {
  const db = dbOf(c);
  const evaluation = await findEvaluation(db, row.id);
  const bidding = await findBidding(db, row.id);
  return {
    spec: true,
    award: Boolean(await findAward(db, row.id)),
    // the tabulation exists once a round has been opened (as tabulationPayload decides)
    bidTabulation: Boolean(bidding?.rounds.some((r) => r.openedAt)),
    evaluationSummary: Boolean(evaluation?.row.closedAt),
    commentResponses: await hasComments(db, row.id),
  };
}
