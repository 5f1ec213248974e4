import { and, eq, isNull } from 'drizzle-orm';
import { sessions, users } from '../../schema/index.ts';
import type { SessionUser } from '../context.ts';
import type { Db } from './client.ts';

export async function createSession(db: Db, tokenHash: string, userId: string, now: Date, maxMs: number) {
  await db.insert(sessions).values({
    tokenHash,
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + maxMs),
  });
}

export interface SessionLookup {
  user: SessionUser;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** The session's user, unless the user is disabled. */
export async function findSession(db: Db, tokenHash: string): Promise<SessionLookup | null> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      consortiumId: users.consortiumId,
      memberId: users.memberId,
      vendorId: users.vendorId,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(users.disabledAt)));
  if (!row) return null;
  const { lastSeenAt, expiresAt, ...user } = row;
  return { user, lastSeenAt, expiresAt };
}

export async function touchSession(db: Db, tokenHash: string, now: Date) {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

export async function endSession(db: Db, tokenHash: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function endUserSessions(db: Db, userId: string) {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
