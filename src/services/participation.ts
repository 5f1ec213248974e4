import { z } from 'zod';
import { participants } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import { type CaseRow, findParticipant, lockCase, membersWithParticipation } from '../db/cases.ts';
import { findMember } from '../db/tenancy.ts';
import { isLateJoin } from '../domain/lifecycle.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { loadCase } from './case-access.ts';

export const participationInput = z.strictObject({
  participating: z.boolean(),
  options: z
    .record(
      z.string().max(40),
      z.union([z.boolean(), z.number().int({ message: '数量は整数にしてください' }).min(0, { message: '数量は0以上にしてください' }).max(1_000_000)]),
    )
    .default({}),
});

export type ParticipationInput = z.output<typeof participationInput>;

export function participantView(p: {
  memberId: string;
  memberName: string;
  participating: boolean;
  options: Record<string, boolean | number>;
  joinedAt: Date | null;
  lateJoin: boolean;
  withdrawnAt: Date | null;
  updatedAt: Date;
}) {
  return {
    memberId: p.memberId,
    memberName: p.memberName,
    participating: p.participating,
    options: p.options,
    joinedAt: p.joinedAt?.toISOString() ?? null,
    lateJoin: p.lateJoin,
    withdrawnAt: p.withdrawnAt?.toISOString() ?? null,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Option codes that are not in the case's catalogue. */
function unknownOptions(row: CaseRow, options: Record<string, unknown>): string[] {
  const codes = new Set(row.options.map((o) => o.code));
  return Object.keys(options).filter((code) => !codes.has(code));
}

/**
 * Declares whether a member body joins the case and which options it takes. The secretariat may answer
 * for any member; a member's users only for their own body. A join after publication is late (後乗り).
 */
export async function setParticipation(c: Ctx, caseId: string, memberId: string, input: ParticipationInput) {
  const { user } = await loadCase(c, caseId, 'secretariat', 'member');
  if (user.role === 'member' && user.memberId !== memberId) throw forbidden('他の団体の参加状況は変更できません。');
  const member = await findMember(dbOf(c), user.consortiumId, memberId);
  if (!member) throw notFound('指定された参加団体が見つかりません。');

  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, user.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    if (row.state === 'cancelled') throw new AppError('conflict', '中止された案件には参加できません。');
    const unknown = unknownOptions(row, input.options);
    if (unknown.length > 0) {
      throw new AppError('validation_error', `この案件にないオプションです: ${unknown.join(', ')}`, unknown.map((code) => ({ path: `options.${code}`, message: '存在しないオプションです' })));
    }
    const now = nowOf(c);
    const previous = await findParticipant(tx, caseId, memberId);
    const joining = input.participating && !previous?.participating;
    const leaving = !input.participating && previous?.participating === true;
    const values = {
      participating: input.participating,
      options: input.participating ? input.options : {},
      joinedAt: joining ? now : (previous?.joinedAt ?? null),
      lateJoin: joining ? isLateJoin(row.state) : (previous?.lateJoin ?? false),
      withdrawnAt: leaving ? now : input.participating ? null : (previous?.withdrawnAt ?? null),
      updatedAt: now,
      updatedBy: user.id,
    };
    const [saved] = await tx
      .insert(participants)
      .values({ caseId, memberId, ...values })
      .onConflictDoUpdate({ target: [participants.caseId, participants.memberId], set: values })
      .returning();
    await audit({
      action: joining ? 'participant.join' : leaving ? 'participant.withdraw' : 'participant.update',
      objectType: 'participant',
      objectId: memberId,
      caseId,
      details: { member: member.name, participating: input.participating, options: values.options, lateJoin: values.lateJoin },
    });
    return participantView({ ...saved!, memberName: member.name });
  });
}

/** Every member of the consortium with its answer (members that never answered are listed as not joining). */
export async function listParticipation(db: ReturnType<typeof dbOf>, consortiumId: string, caseId: string) {
  const rows = await membersWithParticipation(db, consortiumId, caseId);
  return rows.map(({ member, participant }) => ({
    member,
    participant: participant
      ? participantView({ ...participant, memberName: member.name })
      : null,
  }));
}
