import { caseFollows } from '../../schema/index.ts';
import type { Db } from '../db/client.ts';

/** Records that a vendor follows a case (once; a second call keeps the first date). */
export async function followCase(tx: Db, caseId: string, vendorId: string, at: Date): Promise<void> {
  await tx.insert(caseFollows).values({ caseId, vendorId, since: at }).onConflictDoNothing();
}
