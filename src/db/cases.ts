import { and, asc, desc, eq } from 'drizzle-orm';
import { cases, members, participants } from '../../schema/index.ts';
import type { Db } from './client.ts';

export type CaseRow = typeof cases.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect;

export async function findCase(db: Db, consortiumId: string, id: string): Promise<CaseRow | undefined> {
  const [row] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.consortiumId, consortiumId), eq(cases.id, id)));
  return row;
}

/** Locks the case row for the rest of the transaction, so state checks and writes cannot interleave. */
export async function lockCase(tx: Db, consortiumId: string, id: string): Promise<CaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.consortiumId, consortiumId), eq(cases.id, id)))
    .for('update');
  return row;
}

/**
 * Reads the case again holding its state for the rest of the transaction: a state change (which
 * locks the row for update) waits until this write is done, so a check on the answer stays true.
 */
export async function holdCase(tx: Db, row: CaseRow): Promise<CaseRow> {
  const [current] = await tx.select().from(cases).where(eq(cases.id, row.id)).for('share');
  return current ?? row;
}

export async function listCases(db: Db, consortiumId: string): Promise<CaseRow[]> {
  return db.select().from(cases).where(eq(cases.consortiumId, consortiumId)).orderBy(desc(cases.fiscalYear), asc(cases.createdAt));
}

/** Every member of the consortium with its participation in the case (null when it never answered). */
export async function membersWithParticipation(db: Db, consortiumId: string, caseId: string) {
  return db
    .select({ member: members, participant: participants })
    .from(members)
    .leftJoin(participants, and(eq(participants.memberId, members.id), eq(participants.caseId, caseId)))
    .where(eq(members.consortiumId, consortiumId))
    .orderBy(asc(members.code), asc(members.name));
}

export async function findParticipant(db: Db, caseId: string, memberId: string): Promise<ParticipantRow | undefined> {
  const [row] = await db
    .select()
    .from(participants)
    .where(and(eq(participants.caseId, caseId), eq(participants.memberId, memberId)));
  return row;
}
