import { and, eq } from 'drizzle-orm';
import { caseFollows } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { CaseRow } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { mutate } from '../http/mutate.ts';

/** Records that a vendor follows a case (once; a second call keeps the first date). */
export async function followCase(tx: Db, caseId: string, vendorId: string, at: Date): Promise<void> {
  await tx.insert(caseFollows).values({ caseId, vendorId, since: at }).onConflictDoNothing();
}

export async function isFollowing(db: Db, caseId: string, vendorId: string): Promise<boolean> {
  const [row] = await db.select({ since: caseFollows.since }).from(caseFollows).where(and(eq(caseFollows.caseId, caseId), eq(caseFollows.vendorId, vendorId)));
  return row !== undefined;
}

/**
 * A vendor follows a case, or stops following it: a follower is told of its addenda, published answers,
 * reminders before its deadlines and its result. Taking part (an RFI answer, a proposal, a bid, a
 * question) follows the case as well.
 */
export async function setFollowing(c: Ctx, row: CaseRow, vendorId: string, following: boolean): Promise<boolean> {
  if ((await isFollowing(dbOf(c), row.id, vendorId)) === following) return following;
  return mutate(c, async (tx, audit) => {
    if (following) await followCase(tx, row.id, vendorId, nowOf(c));
    else await tx.delete(caseFollows).where(and(eq(caseFollows.caseId, row.id), eq(caseFollows.vendorId, vendorId)));
    await audit({ action: following ? 'case.follow' : 'case.unfollow', objectType: 'case', objectId: row.id, caseId: row.id, details: { vendorId } });
    return following;
  });
}
