import type { Role } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, type SessionUser, dbOf } from '../context.ts';
import { type CaseRow, findCase } from '../db/cases.ts';
import { notFound } from '../errors.ts';

type CaseRole = Exclude<Role, 'operator'>;

/** Vendors see a case once it has been put before them (RFI or publication), never a draft. */
export function visibleTo(user: SessionUser, row: CaseRow): boolean {
  if (user.role !== 'vendor') return true;
  return row.publishedAt !== null;
}

/**
 * The case, for a caller with one of the roles, in the caller's consortium and visible to them;
 * anything else is 404, so a case's existence is not revealed.
 */
export async function loadCase(c: Ctx, caseId: string, ...roles: CaseRole[]): Promise<{ user: SessionUser & { consortiumId: string }; row: CaseRow }> {
  const user = requireConsortiumRole(c, ...roles);
  const row = await findCase(dbOf(c), user.consortiumId, caseId);
  if (!row || !visibleTo(user, row)) throw notFound('指定された調達案件が見つかりません。');
  return { user, row };
}
