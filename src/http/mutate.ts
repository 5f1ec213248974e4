import type { Ctx } from '../context.ts';
import { type AuditInput, appendAudit } from '../db/audit.ts';
import { type Db, transaction } from '../db/client.ts';

type Attribution = 'consortiumId' | 'actorUserId' | 'actorRole';
/** An entry to record; who and which consortium default to the caller's. */
export type AuditEntry = Omit<AuditInput, Attribution> & Partial<Pick<AuditInput, Attribution>>;
export type Audit = (entry: AuditEntry) => Promise<void>;

/**
 * Runs a state change in one transaction together with its audit entries, attributed to the caller.
 * A change that writes no audit entry is refused, so none can slip through unrecorded.
 */
export async function mutate<T>(c: Ctx, fn: (tx: Db, audit: Audit) => Promise<T>): Promise<T> {
  const { database, clock } = c.get('deps');
  const user = c.get('user');
  const at = clock.now();
  return transaction(database.db, async (tx) => {
    let written = 0;
    const audit: Audit = async (entry) => {
      await appendAudit(tx, at, {
        ...entry,
        actorUserId: entry.actorUserId !== undefined ? entry.actorUserId : (user?.id ?? null),
        actorRole: entry.actorRole !== undefined ? entry.actorRole : (user?.role ?? null),
        consortiumId: entry.consortiumId !== undefined ? entry.consortiumId : (user?.consortiumId ?? null),
      });
      written += 1;
    };
    const result = await fn(tx, audit);
    if (written === 0) throw new Error('state change without an audit entry');
    return result;
  });
}
