import type { Ctx } from '../context.ts';
import { type AuditInput, appendAuditEntries } from '../db/audit.ts';
import { type Db, transaction } from '../db/client.ts';

type Attribution = 'consortiumId' | 'actorUserId' | 'actorRole';
/** An entry to record; who and which consortium default to the caller's. */
export type AuditEntry = Omit<AuditInput, Attribution> & Partial<Pick<AuditInput, Attribution>>;
export type Audit = (entry: AuditEntry) => Promise<void>;

/**
 * Runs a state change in one transaction together with its audit entries, attributed to the caller.
 * The entries are appended to the chain at the end of the transaction, so its lock is held only for
 * the last statements before the commit. A change that writes no audit entry is refused, so none can
 * slip through unrecorded.
 */
export async function mutate<T>(c: Ctx, fn: (tx: Db, audit: Audit) => Promise<T>): Promise<T> {
  const { database, clock, keys } = c.get('deps');
  const user = c.get('user');
  const at = clock.now();
  return transaction(database.db, async (tx) => {
    const entries: AuditInput[] = [];
    const audit: Audit = async (entry) => {
      entries.push({
        ...entry,
        actorUserId: entry.actorUserId !== undefined ? entry.actorUserId : (user?.id ?? null),
        actorRole: entry.actorRole !== undefined ? entry.actorRole : (user?.role ?? null),
        consortiumId: entry.consortiumId !== undefined ? entry.consortiumId : (user?.consortiumId ?? null),
      });
    };
    const result = await fn(tx, audit);
    if (entries.length === 0) throw new Error('state change without an audit entry');
    await appendAuditEntries(tx, keys.audit, at, entries);
    return result;
  });
}
