import { type Ctx, type SessionUser, dbOf } from '../context.ts';
import { findMember } from '../db/tenancy.ts';
import { AppError } from '../errors.ts';

/** The member a participation page is about: the user's own body, or for the secretariat the one chosen. */
export async function participationMember(c: Ctx, user: SessionUser, requested: string | undefined) {
  if (user.role === 'member') return findMember(dbOf(c), user.consortiumId!, user.memberId!);
  if (!requested) return undefined;
  const member = await findMember(dbOf(c), user.consortiumId!, requested);
  if (!member) throw new AppError('not_found', '指定された参加団体が見つかりません。');
  return member;
}
