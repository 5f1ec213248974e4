import { fiscalYearInput } from '../http/inputs.ts';
import { z } from 'zod';
import { participants } from '../../schema/index.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import { type CaseRow, type ParticipantRow, findParticipant, lockCase, membersWithParticipation } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { caseYearsOf, firstOpenYear } from './years.ts';
import { findMember, listMembers } from '../db/tenancy.ts';
import { choiceProblems, takesAnyOption } from '../domain/options.ts';
import { isLateJoin } from '../domain/lifecycle.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { type Audit, mutate } from '../http/mutate.ts';
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

/** The problems of a body's option choice against the case's options, as validation details under `prefix`. */
function optionIssues(row: CaseRow, options: Record<string, boolean | number>, prefix = '') {
  return choiceProblems(row.options, options).map((p) => ({ path: `${prefix}options.${p.code}`, message: p.message }));
}

/** Whether a withdrawal would erase the options the body has taken (before the award; after it, they stay for the closed years). */
export function withdrawalErasesOptions(row: CaseRow, previous: { participating: boolean; options: Record<string, boolean | number> } | undefined | null, participating: boolean): boolean {
  return !participating && previous?.participating === true && row.state !== 'awarded' && takesAnyOption(row.options, previous.options);
}

type Member = NonNullable<Awaited<ReturnType<typeof findMember>>>;

/** One body's answer written within the caller's transaction, with its audit entry; null when nothing changes. */
async function applyParticipation(c: Ctx, tx: Db, audit: Audit, userId: string, row: CaseRow, member: Member, input: ParticipationInput, onlyIfChanged = false) {
  const caseId = row.id;
  const memberId = member.id;
  const now = nowOf(c);
  const previous = await findParticipant(tx, caseId, memberId);
  if (onlyIfChanged && sameAnswer(previous, input)) return null;
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
    updatedBy: userId,
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
}

/** Whether an answer says what is already recorded (no body that never answered is written for "not joining"). */
function sameAnswer(previous: ParticipantRow | undefined, input: ParticipationInput): boolean {
  if (!previous) return !input.participating;
  if (previous.participating !== input.participating) return false;
  if (!input.participating) return true;
  const taken = (o: Record<string, boolean | number>) => JSON.stringify(Object.entries(o).filter(([, v]) => v !== false && v !== 0).sort(([a], [b]) => a.localeCompare(b)));
  return taken(previous.options) === taken(input.options);
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
    const issues = optionIssues(row, input.options);
    if (issues.length > 0) throw new AppError('validation_error', issues.map((i) => i.message).join('／'), issues);
    return (await applyParticipation(c, tx, audit, user.id, row, member, input))!;
  });
}

export const bulkParticipationInput = z.strictObject({
  entries: z
    .array(z.strictObject({ memberId: z.string().min(1).max(64), participating: z.boolean(), options: participationInput.shape.options }))
    .max(1000),
});

/**
 * The secretariat's answers for many bodies at once (the member grid): one transaction, one audit entry
 * per body whose answer changes and one for the whole entry. Every problem is named by its body and
 * field, and none is saved unless all are right.
 */
export async function setParticipationMany(c: Ctx, caseId: string, input: z.output<typeof bulkParticipationInput>) {
  const { user } = await loadCase(c, caseId, 'secretariat');
  const known = new Map((await listMembers(dbOf(c), user.consortiumId)).map((m) => [m.id, m]));
  const issues: { path: string; message: string }[] = [];
  input.entries.forEach((e, i) => {
    if (!known.has(e.memberId)) issues.push({ path: `entries.${i}.memberId`, message: `${i + 1}行目: 指定された参加団体が見つかりません` });
  });
  if (new Set(input.entries.map((e) => e.memberId)).size !== input.entries.length) issues.push({ path: 'entries', message: '同じ団体が2回指定されています' });
  if (issues.length > 0) throw new AppError('validation_error', issues.map((i) => i.message).join('／'), issues);

  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, user.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    if (row.state === 'cancelled') throw new AppError('conflict', '中止された案件には参加できません。');
    const problems = input.entries.flatMap((e, i) =>
      optionIssues(row, e.options, `entries.${i}.`).map((p) => ({ ...p, message: `${known.get(e.memberId)!.name}: ${p.message}` })),
    );
    if (problems.length > 0) throw new AppError('validation_error', problems.map((p) => p.message).join('／'), problems);
    const saved = [];
    for (const entry of input.entries) {
      const member = known.get(entry.memberId)!;
      try {
        const view = await applyParticipation(c, tx, audit, user.id, row, member, { participating: entry.participating, options: entry.options }, true);
        if (view) saved.push(view);
      } catch (err) {
        // a refusal for one body names it: 「乙町: 2026年度の負担額は確定済み…」
        if (err instanceof AppError && err.status < 500) throw new AppError(err.code, `${member.name}: ${err.message}`, err.details);
        throw err;
      }
    }
    await audit({
      action: 'participant.bulk',
      objectType: 'case',
      objectId: caseId,
      caseId,
      details: { changed: saved.map((p) => p.memberName), joined: saved.filter((p) => p.participating).length, left: saved.filter((p) => !p.participating).length },
    });
    return saved;
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
