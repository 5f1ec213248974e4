import { and, asc, eq } from 'drizzle-orm';
import { type StoredYearShares, awards, caseYears, consortia, members } from '../../schema/index.ts';
import type { CaseRow } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';

export type CaseYearRow = typeof caseYears.$inferSelect;

/** The case's fiscal years that carry a rule of their own or are closed, earliest first. */
export async function caseYearsOf(db: Db, caseId: string): Promise<CaseYearRow[]> {
  return db.select().from(caseYears).where(eq(caseYears.caseId, caseId)).orderBy(asc(caseYears.fiscalYear));
}

export const isClosedYear = (years: readonly CaseYearRow[], fiscalYear: number) => years.some((y) => y.fiscalYear === fiscalYear && y.closedAt !== null);

/** The first fiscal year of the case that is not closed: where a change made after the award takes effect. */
export function firstOpenYear(row: CaseRow, years: readonly CaseYearRow[]): number {
  let year = row.fiscalYear;
  while (isClosedYear(years, year)) year += 1;
  return year;
}

/** 409 year_closed when `fiscalYear` of the case is closed: its shares are issued and never change. */
export async function assertYearOpen(db: Db, caseId: string, fiscalYear: number) {
  const [closed] = await db.select({ at: caseYears.closedAt }).from(caseYears).where(and(eq(caseYears.caseId, caseId), eq(caseYears.fiscalYear, fiscalYear)));
  if (closed?.at) throw new AppError('year_closed', `${fiscalYear}年度の負担額は確定済みのため変更できません。`, { fiscalYear });
}


/**
 * The shares the award issued, as they were issued (an amendment later re-issues the year, keeping
 * what it replaced): what the 決定通知 and the public record of the award show, whatever came after.
 */
export async function issuedWithAward(db: Db, caseId: string): Promise<StoredYearShares | null> {
  const [award] = await db.select({ fiscalYear: awards.fiscalYear }).from(awards).where(eq(awards.caseId, caseId));
  if (!award?.fiscalYear) return null;
  const [year] = await db.select().from(caseYears).where(and(eq(caseYears.caseId, caseId), eq(caseYears.fiscalYear, award.fiscalYear)));
  if (!year?.shares) return null;
  return year.amendments[0]?.before ?? year.shares;
}

/** Who signs a bulk contract for all: the member body named on the case, or the consortium itself. */
export async function contractParty(db: Db, row: CaseRow): Promise<{ memberId: string | null; name: string }> {
  if (row.contractPartyMemberId) {
    const [member] = await db.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, row.contractPartyMemberId));
    if (member) return { memberId: member.id, name: member.name };
  }
  const [consortium] = await db.select({ name: consortia.name }).from(consortia).where(eq(consortia.id, row.consortiumId));
  return { memberId: null, name: consortium?.name ?? '' };
}
