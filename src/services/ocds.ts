import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { cases, consortia, vendors } from '../../schema/index.ts';
import type { Db } from '../db/client.ts';
import type { CaseRow } from '../db/cases.ts';
import { type OcdsInput, buildReleasePackage } from '../ocds/release.ts';
import { findAward } from './award.ts';
import { type OpenedRound, findBidding, visiblePrices } from './bidding.ts';
import { computeResults, findEvaluation } from './evaluation.ts';
import { listParticipation } from './participation.ts';

/**
 * Gathers what OCDS publishes about a case. Who took part becomes public only once it is decided
 * (the evaluation closed, or a round opened); bid amounts only for opened rounds.
 */
export async function ocdsInput(db: Db, row: CaseRow, prefix: string, uri: string, now: Date): Promise<OcdsInput> {
  const [consortium] = await db.select().from(consortia).where(eq(consortia.id, row.consortiumId));
  const participation = (await listParticipation(db, row.consortiumId, row.id)).filter((p) => p.participant?.participating);
  const bidding = await findBidding(db, row.id);
  const openedRounds = (bidding?.rounds ?? []).filter((r) => r.openedAt);
  const openedBids = openedRounds.flatMap((r) =>
    (r.result as unknown as OpenedRound).bids.map((b) => ({ round: r.round, vendorId: b.vendorId, amount: b.amount, status: b.status, receivedAt: new Date(b.receivedAt).toISOString() })),
  );
  const evaluation = await findEvaluation(db, row.id);
  const proposals = evaluation?.row.closedAt ? (await computeResults(db, row.id, evaluation.row)).vendors.map((v) => ({ vendorId: v.vendorId, price: v.price })) : [];
  const tendererIds = [...new Set([...openedBids.map((b) => b.vendorId), ...proposals.map((p) => p.vendorId)])];
  const tenderers = tendererIds.length
    ? (await db.select({ id: vendors.id, name: vendors.name, corporateNumber: vendors.corporateNumber }).from(vendors).where(inArray(vendors.id, tendererIds))).sort((a, b) => a.name.localeCompare(b.name, 'ja'))
    : [];
  const award = await findAward(db, row.id);
  // OCDS is open data: the ceiling as the public may see it (事前公表, or published with the result)
  const ceilingPrice = bidding ? visiblePrices(row, bidding.config, bidding.rounds, false).ceilingPrice : null;
  return {
    prefix,
    uri,
    publishedDate: now,
    case: row,
    consortium: { id: consortium!.id, name: consortium!.name },
    participants: participation.map(({ member, participant }) => ({ memberId: member.id, name: member.name, options: participant!.options })),
    tenderers,
    openedBids,
    proposals,
    bidDeadline: bidding?.rounds[0]?.deadlineAt ?? null,
    ceilingPrice,
    award: award ? { vendorId: award.award.vendorId, vendorName: award.vendorName, amount: award.award.amount, amountWithTax: award.award.amountWithTax, decidedAt: award.award.decidedAt } : null,
  };
}

export async function casePackage(db: Db, row: CaseRow, prefix: string, uri: string, now: Date) {
  return buildReleasePackage(await ocdsInput(db, row, prefix, uri, now));
}

/** Every published case, newest first; optionally of one fiscal year. */
export async function publishedCases(db: Db, filter: { fiscalYear?: number; id?: string; limit?: number } = {}) {
  const conditions = [isNotNull(cases.publishedAt)];
  if (filter.fiscalYear !== undefined) conditions.push(eq(cases.fiscalYear, filter.fiscalYear));
  if (filter.id !== undefined) conditions.push(eq(cases.id, filter.id));
  const query = db
    .select({ row: cases, consortiumName: consortia.name })
    .from(cases)
    .innerJoin(consortia, eq(consortia.id, cases.consortiumId))
    .where(and(...conditions))
    .orderBy(desc(cases.publishedAt), desc(cases.id));
  return filter.limit === undefined ? query : query.limit(filter.limit);
}

/** All the releases of a fiscal year's published cases in one package, for open-data portals. */
export async function fiscalYearPackage(db: Db, fiscalYear: number, prefix: string, uri: string, now: Date) {
  const packages = [];
  for (const { row } of await publishedCases(db, { fiscalYear })) packages.push(await casePackage(db, row, prefix, uri, now));
  return {
    uri,
    version: '1.1',
    publishedDate: now.toISOString(),
    publisher: { name: '共同調達 選定ワークベンチ' },
    extensions: ['https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json'],
    releases: packages.flatMap((p) => p.releases),
  };
}
