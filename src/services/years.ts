import { and, asc, eq } from 'drizzle-orm';
import { caseYears } from '../../schema/index.ts';
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

