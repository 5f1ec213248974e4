import { perDatabase } from '../db/client.ts';
import type { SessionLookup } from '../db/sessions.ts';

/**
 * Recently looked-up sessions, for a short while: the busiest calls (an evaluator's autosave) then
 * need no session query. Ending a session or disabling a user drops its entries at once on this
 * instance; another instance notices within FRESH_MS. Freshness is wall time, not the business clock:
 * it bounds how stale a copy may be, not when a session expires (that is checked on every request).
 */
const FRESH_MS = 2000;
const MAX_ENTRIES = 20_000;

export class SessionCache {
  private entries = new Map<string, { lookup: SessionLookup; fetchedAt: number }>();

  get(tokenHash: string): SessionLookup | undefined {
    const hit = this.entries.get(tokenHash);
    if (!hit) return undefined;
    if (performance.now() - hit.fetchedAt > FRESH_MS) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return hit.lookup;
  }

  set(tokenHash: string, lookup: SessionLookup): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(tokenHash, { lookup, fetchedAt: performance.now() });
  }

  drop(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  dropUser(userId: string): void {
    for (const [key, value] of this.entries) if (value.lookup.user.id === userId) this.entries.delete(key);
  }
}

/** The cache of one database's sessions (each app instance and each test database has its own). */
export const sessionCacheOf = perDatabase(() => new SessionCache());
