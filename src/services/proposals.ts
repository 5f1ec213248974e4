import { caseMethodLabels } from '../domain/methods.ts';
import { followCase } from './follows.ts';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, proposals, vendors } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, holdCase } from '../db/cases.ts';
import { caseFiles, fileView, vendorFiles } from '../db/files.ts';
import { hasPassed } from '../domain/deadline.ts';
import { assertSubmissionOpen } from './vendor-files.ts';
import { loadCase } from './case-access.ts';
import { assertQualified } from './qualification.ts';
import { AppError } from '../errors.ts';
import { mutate } from '../http/mutate.ts';

export const proposalPriceInput = z.strictObject({
  price: z.number().int({ message: '提案価格は円単位の整数（税抜）にしてください' }).min(0, { message: '提案価格は0以上にしてください' }).max(1_000_000_000_000),
});

export type ProposalRow = typeof proposals.$inferSelect;

export async function ownProposal(db: Db, caseId: string, vendorId: string): Promise<ProposalRow | undefined> {
  const [row] = await db
    .select()
    .from(proposals)
    .where(and(eq(proposals.caseId, caseId), eq(proposals.vendorId, vendorId)));
  return row;
}

/** Proposals are taken from approved vendors for proposal and comprehensive-evaluation cases, while open, until the deadline. */
export async function assertAcceptingProposals(c: Ctx, given: CaseRow, vendorId: string, tx?: Db) {
  // inside a write, on the case as it is now and held until the write is done
  const row = tx ? await holdCase(tx, given) : given;
  // only a vendor the secretariat approved (入札参加資格) proposes, prices or withdraws
  await assertQualified(tx ?? dbOf(c), row.consortiumId, vendorId);
  if (row.method !== 'proposal' && row.method !== 'comprehensive') throw new AppError('conflict', `この案件は${caseMethodLabels[row.method]}で行うため、提案書は受け付けていません。`);
  if (row.state !== 'open') throw new AppError('conflict', 'この案件は現在、提案を受け付けていません。');
  assertSubmissionOpen(nowOf(c), row.submissionDeadline);
  const own = await ownProposal(tx ?? dbOf(c), row.id, vendorId);
  if (own?.withdrawnAt) throw new AppError('conflict', '辞退済みのため提出できません。');
}

export async function ownProposalView(db: Db, row: CaseRow, vendorId: string) {
  const own = await ownProposal(db, row.id, vendorId);
  const list = await vendorFiles(db, row.id, vendorId, 'proposal');
  return { price: own?.price ?? null, files: list.map(fileView), withdrawn: own?.withdrawnAt !== null && own?.withdrawnAt !== undefined };
}

export async function setProposalPrice(c: Ctx, row: CaseRow, vendorId: string, price: number) {
  await assertAcceptingProposals(c, row, vendorId);
  await mutate(c, async (tx, audit) => {
    await assertAcceptingProposals(c, row, vendorId, tx);
    const values = { price, updatedAt: nowOf(c) };
    await tx
      .insert(proposals)
      .values({ caseId: row.id, vendorId, ...values })
      .onConflictDoUpdate({ target: [proposals.caseId, proposals.vendorId], set: values });
    // the price stays out of the audit trail: proposals are sealed until the deadline, as bid amounts until the opening
    await audit({ action: 'proposal.price', objectType: 'proposal', objectId: vendorId, caseId: row.id, details: { vendorId } });
    await followCase(tx, row.id, vendorId, nowOf(c));
  });
}

/** 辞退: the vendor leaves the competition; its files stay on record but it is no longer a proposal. */
export async function withdrawProposal(c: Ctx, row: CaseRow, vendorId: string, reason: string | undefined) {
  await assertAcceptingProposals(c, row, vendorId);
  await mutate(c, async (tx, audit) => {
    await assertAcceptingProposals(c, row, vendorId, tx);
    const now = nowOf(c);
    await tx
      .insert(proposals)
      .values({ caseId: row.id, vendorId, withdrawnAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [proposals.caseId, proposals.vendorId], set: { withdrawnAt: now, updatedAt: now } });
    await audit({ action: 'proposal.withdraw', objectType: 'proposal', objectId: vendorId, caseId: row.id, details: { vendorId, reason } });
  });
}

/** Why each vendor withdrew (辞退), as it said when it did: the latest reason recorded, by vendor. */
async function withdrawalReasons(db: Db, row: CaseRow): Promise<Map<string, string>> {
  const rows = await db
    .select({ objectId: auditLog.objectId, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.consortiumId, row.consortiumId), eq(auditLog.caseId, row.id), eq(auditLog.action, 'proposal.withdraw')))
    .orderBy(asc(auditLog.id));
  const out = new Map<string, string>();
  for (const r of rows) if (r.objectId && typeof r.details.reason === 'string' && r.details.reason.trim()) out.set(r.objectId, r.details.reason);
  return out;
}

/**
 * Every vendor with a price or at least one file: each is a proposal. A withdrawal (辞退) is listed too,
 * with when and why, even when the vendor withdrew before sending anything.
 */
export async function caseProposals(db: Db, row: CaseRow) {
  const priced = await db
    .select({ proposal: proposals, vendorName: vendors.name })
    .from(proposals)
    .innerJoin(vendors, eq(vendors.id, proposals.vendorId))
    .where(eq(proposals.caseId, row.id))
    .orderBy(asc(vendors.name));
  const received = await caseFiles(db, row.id, 'proposal');
  const names = new Map(priced.map((p) => [p.proposal.vendorId, p.vendorName]));
  const vendorIds = new Set([...priced.map((p) => p.proposal.vendorId), ...received.map((f) => f.vendorId)]);
  const missingNames = [...vendorIds].filter((id) => !names.has(id));
  if (missingNames.length > 0) {
    const rows = await db.select({ id: vendors.id, name: vendors.name }).from(vendors).where(eq(vendors.consortiumId, row.consortiumId));
    for (const v of rows) names.set(v.id, v.name);
  }
  const reasons = priced.some((p) => p.proposal.withdrawnAt) ? await withdrawalReasons(db, row) : new Map<string, string>();
  return [...vendorIds]
    .map((vendorId) => {
      const p = priced.find((x) => x.proposal.vendorId === vendorId)?.proposal;
      return {
        vendorId,
        vendorName: names.get(vendorId) ?? '',
        price: p?.price ?? null,
        files: received.filter((f) => f.vendorId === vendorId).map(fileView),
        withdrawn: Boolean(p?.withdrawnAt),
        withdrawnAt: p?.withdrawnAt?.toISOString() ?? null,
        withdrawalReason: p?.withdrawnAt ? (reasons.get(vendorId) ?? null) : null,
      };
    })
    .filter((p) => p.price !== null || p.files.length > 0 || p.withdrawn)
    .sort((a, b) => a.vendorName.localeCompare(b.vendorName, 'ja'));
}

/** The secretariat's list of proposals once the deadline has passed (shown on the case page). */
export async function proposalsForCasePage(c: Ctx, caseId: string) {
  const { row } = await loadCase(c, caseId, 'secretariat');
  if (!hasPassed(nowOf(c), row.submissionDeadline)) return null;
  return caseProposals(dbOf(c), row);
}
