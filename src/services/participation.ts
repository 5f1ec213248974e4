import { fiscalYearInput } from '../http/inputs.ts';
import { z } from 'zod';
import { participants } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import { type CaseRow, type ParticipantRow, findParticipant, lockCase, membersWithParticipation } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { caseYearsOf, firstOpenYear } from './years.ts';
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
  /** the first fiscal year the member takes part in (after the award: by default the first year not closed) */
  fromFiscalYear: fiscalYearInput.optional(),
  /** the last fiscal year, when the member leaves at that year's end (null: no end) */
  untilFiscalYear: fiscalYearInput.nullable().optional(),
  /** the vendor's standard price for this body alone (tax excluded), for the savings report */
  standardPrice: z.number().int().min(0).max(1_000_000_000_000).nullable().optional(),
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
  fromFiscalYear: number | null;
  untilFiscalYear: number | null;
  provisional: boolean;
  standardPrice: number | null;
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
    fromFiscalYear: p.fromFiscalYear,
    untilFiscalYear: p.untilFiscalYear,
    provisional: p.provisional,
    standardPrice: p.standardPrice,
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
    const years = await decideYears(tx, row, previous, input);
    const values = {
      participating: input.participating,
      // before the award a withdrawal clears the choices; after it, closed years keep what they were charged for
      options: input.participating ? input.options : row.state === 'awarded' ? (previous?.options ?? {}) : {},
      joinedAt: joining ? now : (previous?.joinedAt ?? null),
      lateJoin: joining ? isLateJoin(row.state) : (previous?.lateJoin ?? false),
      withdrawnAt: leaving ? now : input.participating ? null : (previous?.withdrawnAt ?? null),
      ...years,
      provisional: false,
      standardPrice: input.standardPrice !== undefined ? input.standardPrice : (previous?.standardPrice ?? null),
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
      details: { member: member.name, participating: input.participating, options: values.options, lateJoin: values.lateJoin, fromFiscalYear: values.fromFiscalYear, untilFiscalYear: values.untilFiscalYear },
    });
    return participantView({ ...saved!, memberName: member.name });
  });
}

/**
 * The fiscal years a participation covers. Before the award: as given (default the case's year). After
 * it, a change never reaches a closed year: a joiner starts in the first year not closed, a member that
 * leaves does so at the end of the last closed year, and naming a closed year is 409 year_closed.
 */
async function decideYears(tx: Db, row: CaseRow, previous: ParticipantRow | undefined, input: ParticipationInput) {
  const years = await caseYearsOf(tx, row.id);
  const open = firstOpenYear(row, years);
  const badYear = (path: string, message: string) => new AppError('validation_error', message, [{ path, message }]);
  if (input.fromFiscalYear !== undefined && input.fromFiscalYear < row.fiscalYear) throw badYear('fromFiscalYear', `参加開始年度は案件の年度（${row.fiscalYear}年度）以降にしてください。`);
  const joining = input.participating && !previous?.participating;
  let from = previous?.fromFiscalYear ?? null;
  if (input.fromFiscalYear !== undefined) from = input.fromFiscalYear;
  // a body that left at the end of the last closed year and comes back continues where it was
  else if (joining && previous && previous.untilFiscalYear !== null && previous.untilFiscalYear + 1 >= open) from = previous.fromFiscalYear;
  else if (joining) from = row.state === 'awarded' || open > row.fiscalYear ? open : null;
  let until = previous?.untilFiscalYear ?? null;
  if (input.untilFiscalYear !== undefined) until = input.untilFiscalYear;
  if (!input.participating && previous?.participating && open > (from ?? row.fiscalYear)) until = open - 1;
  if (input.participating && joining && input.untilFiscalYear === undefined) until = null;
  if (until !== null && until < (from ?? row.fiscalYear)) throw badYear('untilFiscalYear', '参加終了年度は参加開始年度以降にしてください。');
  // a closed year keeps exactly the bodies it was issued for: no change may add one to it or take one out
  const covers = (taking: boolean, first: number | null, last: number | null) => (y: number) => taking && (first ?? row.fiscalYear) <= y && (last === null || y <= last);
  const before = covers(previous?.participating === true || (previous !== undefined && previous.untilFiscalYear !== null), previous?.fromFiscalYear ?? null, previous?.untilFiscalYear ?? null);
  const after = covers(input.participating || until !== null, from, until);
  const altered = years.find((y) => y.closedAt !== null && before(y.fiscalYear) !== after(y.fiscalYear));
  if (altered) {
    throw new AppError('year_closed', `${altered.fiscalYear}年度の負担額は確定済みのため、その年度の参加・不参加は変えられません。${open}年度以降の変更として登録してください（確定済みの年度を変えるには、理由を添えた変更の記録が必要です）。`, { fiscalYear: altered.fiscalYear });
  }
  return { fromFiscalYear: from, untilFiscalYear: until };
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
