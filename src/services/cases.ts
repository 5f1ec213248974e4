import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bidRounds, biddings, cases, evaluations, rfis, specVersions } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, nowOf } from '../context.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import { isOnTime } from '../domain/deadline.ts';
import { decideScheduleMoves } from '../domain/schedule.ts';
import { type CaseMethod, caseMethods, negotiatedGroundCitation, negotiatedGroundCodes, negotiatedGrounds } from '../domain/methods.ts';
import { dateTime } from '../domain/format.ts';
import { fillCodes } from '../domain/codes.ts';
import { optionKinds } from '../domain/options.ts';
import { notify } from './notify.ts';
import { type CaseState, caseStateLabels, caseStates, transition } from '../domain/lifecycle.ts';
import { AppError, notFound } from '../errors.ts';
import { fiscalYearInput, isUsableKey, unusableKeyMessage, distinctBy } from '../http/inputs.ts';
import { type Audit, mutate } from '../http/mutate.ts';
import type { Db } from '../db/client.ts';
import { newId } from '../ids.ts';
import { caseYearsOf } from './years.ts';
import { assertScheduleDecision, hasProposals, recordScheduleMoves } from './schedule.ts';
import { addendumReason, addendumReasonFor, caseTermsOf, recordAddendum } from './addenda.ts';
import { caseChanges } from '../domain/addenda.ts';
import { type ChecklistItem, type PublishTarget, pastDeadlineProblem, publicationBlockers, publicationChecklist } from '../domain/publication.ts';

export { caseMethodLabels, caseMethods } from '../domain/methods.ts';
export const contractModes = ['bulk', 'individual'] as const;
export const contractModeLabels: Record<(typeof contractModes)[number], string> = {
  bulk: '一括契約（協議会が契約し負担金を按分）',
  individual: '個別契約（各団体が契約）',
};

const MAX_YEN = 1_000_000_000_000;

const optionCode = z
  .string()
  .trim()
  .regex(/^([A-Za-z0-9_-]{1,40})?$/, { message: 'オプションのコードは英数字・-・_ の40文字以内にしてください（空欄なら自動で付けます）' })
  .refine(isUsableKey, { message: unusableKeyMessage });

/** The options of a case; a blank code is generated from the row's place (opt-1, opt-2, …), a typed one is kept. */
export const optionsInput = z
  .array(
    z.strictObject({
      code: optionCode.optional(),
      name: z.string().trim().min(1, { message: 'オプション名を入力してください' }).max(200),
      /** yesno: taken or not (charged once); quantity: a count (0 = not taken). Omitted: quantity, where a plain "yes" counts one. */
      kind: z.enum(optionKinds, { message: 'オプションの種類は「利用の有無」か「数量」を選んでください' }).default('quantity'),
      price: z.number({ message: '単価は円単位の整数で入力してください' }).int({ message: '単価は円単位の整数で入力してください' }).min(0, { message: '単価は0円以上にしてください' }).max(MAX_YEN, { message: '単価が大きすぎます' }).nullable().optional(),
    }),
  )
  .max(100)
  .transform((list) => fillCodes(list, 'opt-'))
  .superRefine(distinctBy('code', 'オプションのコード'));

const isoTime = z.iso.datetime({ offset: true, message: '日時は ISO 8601 形式（時差つき）で指定してください' }).transform((v) => new Date(v));


const negotiatedGround = z.enum(negotiatedGroundCodes, { message: '随意契約の根拠（地方自治法施行令第167条の2第1項の号）を1〜9から選んでください' });
const negotiatedReason = z.string().trim().min(1, { message: '随意契約とする理由を入力してください' }).max(4000);

const caseFields = z.strictObject({
  title: z.string().trim().min(1, { message: '件名を入力してください' }).max(300),
  description: z.string().max(20_000).optional(),
  method: z.enum(caseMethods),
  contractMode: z.enum(contractModes),
  fiscalYear: fiscalYearInput,
  options: optionsInput.optional(),
  rfiDeadline: isoTime.nullable().optional(),
  submissionDeadline: isoTime.nullable().optional(),
  /** 質問受付期限 */
  questionDeadline: isoTime.nullable().optional(),
  /** 随意契約 only: the item of 地方自治法施行令 第167条の2 第1項 it rests on, and why */
  negotiatedGround: negotiatedGround.optional(),
  negotiatedReason: negotiatedReason.optional(),
});

/**
 * A 随意契約 names its legal ground and its reason; any other method has neither. The problems as
 * validation details, each naming its field (none when the case is consistent).
 */
export function negotiatedIssues(method: CaseMethod, ground: string | null | undefined, reason: string | null | undefined): { path: string; message: string }[] {
  const has = (v: string | null | undefined) => v !== null && v !== undefined;
  if (method === 'negotiated') {
    return [
      ...(has(ground) ? [] : [{ path: 'negotiatedGround', message: '随意契約の根拠（地方自治法施行令第167条の2第1項の号）を選んでください' }]),
      ...(has(reason) ? [] : [{ path: 'negotiatedReason', message: '随意契約とする理由を入力してください' }]),
    ];
  }
  return [
    ...(has(ground) ? [{ path: 'negotiatedGround', message: '随意契約の根拠は、調達方式が随意契約の案件にのみ指定できます' }] : []),
    ...(has(reason) ? [{ path: 'negotiatedReason', message: '随意契約とする理由は、調達方式が随意契約の案件にのみ指定できます' }] : []),
  ];
}

// the cross-field rule sits on the final schema: zod cannot derive a partial schema from a refined object
export const caseInput = caseFields.superRefine((v, ctx) => {
  for (const issue of negotiatedIssues(v.method, v.negotiatedGround, v.negotiatedReason)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
});

export const casePatch = caseFields
  .partial()
  .extend({
    /** 変更理由: required once the case is published and something changes (the addendum's reason, shown to every vendor) */
    reason: addendumReason.optional(),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'reason'), { message: '変更する項目を指定してください' });

/** A 随意契約's ground (the item, its citation in full and what it says) and reason; null for every other method. */
export function negotiatedView(row: Pick<CaseRow, 'negotiatedGround' | 'negotiatedReason'>) {
  const ground = row.negotiatedGround;
  return {
    negotiatedGround: ground,
    negotiatedGroundCitation: ground ? negotiatedGroundCitation(ground) : null,
    negotiatedGroundLabel: ground ? (negotiatedGrounds[ground as keyof typeof negotiatedGrounds] ?? null) : null,
    negotiatedReason: row.negotiatedReason,
  };
}

export function caseView(row: CaseRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    method: row.method,
    ...negotiatedView(row),
    contractMode: row.contractMode,
    fiscalYear: row.fiscalYear,
    state: row.state,
    options: row.options,
    rfiDeadline: row.rfiDeadline?.toISOString() ?? null,
    submissionDeadline: row.submissionDeadline?.toISOString() ?? null,
    questionDeadline: row.questionDeadline?.toISOString() ?? null,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    apportionmentMethod: row.apportionment?.method ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function createCase(c: Ctx, input: z.output<typeof caseInput>): Promise<CaseRow> {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, (tx, audit) => insertCase(tx, audit, me.consortiumId, input, nowOf(c)));
}

/** Inserts a draft case inside the caller's transaction (a survey candidate becomes a case this way too). */
export async function insertCase(
  tx: Db,
  audit: Audit,
  consortiumId: string,
  input: z.output<typeof caseInput>,
  now: Date,
  origin: Partial<Pick<CaseRow, 'sourceSurveyId' | 'sourceCandidateCode' | 'thresholdException'>> = {},
): Promise<CaseRow> {
  assertFutureDeadlines(now, { rfiDeadline: null, questionDeadline: null, submissionDeadline: null }, input);
  const [row] = await tx
    .insert(cases)
    .values({
      id: newId(),
      consortiumId,
      title: input.title,
      description: input.description ?? '',
      method: input.method,
      negotiatedGround: input.negotiatedGround ?? null,
      negotiatedReason: input.negotiatedReason ?? null,
      contractMode: input.contractMode,
      fiscalYear: input.fiscalYear,
      state: 'draft',
      options: input.options ?? [],
      rfiDeadline: input.rfiDeadline ?? null,
      submissionDeadline: input.submissionDeadline ?? null,
      questionDeadline: input.questionDeadline ?? null,
      ...origin,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await audit({ action: 'case.create', objectType: 'case', objectId: row!.id, caseId: row!.id, details: { title: row!.title, method: row!.method, ...origin } });
  return row!;
}

// the catalogue and the method are fixed once the case is before vendors
const editableBeforePublication: CaseState[] = ['draft', 'rfi', 'spec_review'];

export async function updateCase(c: Ctx, caseId: string, input: z.output<typeof casePatch>): Promise<CaseRow> {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const current = await lockCase(tx, me.consortiumId, caseId);
    if (!current) throw notFound('指定された調達案件が見つかりません。');
    if (current.state === 'cancelled' || current.state === 'awarded') {
      throw new AppError('conflict', `「${caseStateLabels[current.state]}」の案件は変更できません。`);
    }
    if (input.options !== undefined && !editableBeforePublication.includes(current.state)) {
      throw new AppError('conflict', '公告後はオプションの一覧を変更できません。');
    }
    if ((input.method !== undefined && input.method !== current.method) && current.state !== 'draft') {
      throw new AppError('conflict', '調達方式は準備中の案件でのみ変更できます。');
    }
    // the fiscal years of a case anchor its rules and participants by year: once any exists, the case's year stays
    if (input.fiscalYear !== undefined && input.fiscalYear !== current.fiscalYear && (await caseYearsOf(tx, caseId)).length > 0) {
      throw new AppError('conflict', '年度別の按分方法や確定済みの年度があるため、案件の年度は変更できません。');
    }
    const { reason, ...fields } = input;
    // the ground and the reason of a 随意契約 as they will stand; a case leaving 随意契約 drops both
    const method = fields.method ?? current.method;
    const leavesNegotiated = method !== 'negotiated' && current.method === 'negotiated';
    const issues = negotiatedIssues(
      method,
      fields.negotiatedGround ?? (leavesNegotiated ? null : current.negotiatedGround),
      fields.negotiatedReason ?? (leavesNegotiated ? null : current.negotiatedReason),
    );
    if (issues.length > 0) throw new AppError('validation_error', issues.map((i) => i.message).join('。'), issues.map((i) => ({ ...i, code: 'custom' })));
    const changes: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    // the RFI deadline is the case's: an RFI's own column follows it, and an RFI cannot lose its deadline
    const rfi = fields.rfiDeadline === undefined ? undefined : (await tx.select({ caseId: rfis.caseId }).from(rfis).where(eq(rfis.caseId, caseId)))[0];
    if (rfi && fields.rfiDeadline === null) {
      const message = '情報提供依頼（RFI）があるため、RFI回答期限は空にできません';
      throw new AppError('validation_error', message, [{ path: 'rfiDeadline', message }]);
    }
    if (rfi && fields.rfiDeadline) await tx.update(rfis).set({ deadline: fields.rfiDeadline, updatedAt: nowOf(c) }).where(eq(rfis.caseId, caseId));
    if (leavesNegotiated) Object.assign(changes, { negotiatedGround: null, negotiatedReason: null });
    // once a proposal has arrived the deadline only moves later, with a reason every vendor is shown
    const decision =
      fields.submissionDeadline === undefined
        ? null
        : decideScheduleMoves([{ field: 'submissionDeadline', from: current.submissionDeadline, to: fields.submissionDeadline }], {
            now: nowOf(c),
            locked: await hasProposals(tx, caseId),
            reason,
          });
    if (decision) assertScheduleDecision(decision);
    assertFutureDeadlines(nowOf(c), current, fields);
    // a published case announces what changes, with the same reason (変更・追加)
    const announced = caseChanges(caseTermsOf(current), caseTermsOf({ ...current, ...changes } as CaseRow));
    const announceWith = addendumReasonFor(current, announced, reason);
    if (decision?.record) await recordScheduleMoves(c, tx, audit, caseId, decision.moves, reason!);
    const [row] = await tx
      .update(cases)
      .set({ ...changes, updatedAt: nowOf(c) })
      .where(eq(cases.id, caseId))
      .returning();
    await audit({ action: 'case.update', objectType: 'case', objectId: caseId, caseId, details: { changed: Object.keys(changes) } });
    await recordAddendum(c, tx, audit, current, announceWith, announced);
    return row!;
  });
}

export const transitionInput = z.strictObject({ to: z.enum(caseStates) });

/** Moves the case along its lifecycle; an illegal move is 409 invalid_transition and changes nothing. */
export async function transitionCase(c: Ctx, caseId: string, to: CaseState): Promise<CaseRow> {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const current = await lockCase(tx, me.consortiumId, caseId);
    if (!current) throw notFound('指定された調達案件が見つかりません。');
    // awarded comes only with the award record (POST /api/cases/:id/award), never by a bare transition
    if (to === 'awarded') throw new AppError('no_award', undefined, { from: current.state, to });
    const result = transition(current.state, to);
    if (!result.ok) throw new AppError('invalid_transition', result.reason, { from: current.state, to });
    const now = nowOf(c);
    // scoring starts once no proposal can arrive or change any more
    if (to === 'evaluation' && isOnTime(now, current.submissionDeadline)) {
      throw new AppError('not_yet', `提出期限（${dateTime(current.submissionDeadline)}）の後に評価を始めてください。`);
    }
    if (to === 'rfi' || to === 'open') {
      const blockers = publicationBlockers(await publicationChecklistOf(tx, current, to, now));
      if (blockers.length > 0) {
        throw new AppError(
          'not_ready',
          `公表できません。${blockers.map((b) => b.problem).join('。')}。`,
          blockers.map((b) => ({ path: b.key, message: b.problem })),
        );
      }
    }
    const publishes = (to === 'rfi' || to === 'open') && current.publishedAt === null;
    const [row] = await tx
      .update(cases)
      .set({ state: to, updatedAt: now, ...(publishes ? { publishedAt: now } : {}) })
      .where(eq(cases.id, caseId))
      .returning();
    await audit({ action: 'case.transition', objectType: 'case', objectId: caseId, caseId, details: { from: current.state, to } });
    if (publishes) await notify(c.get('deps'), tx, { kind: 'case_published', caseId });
    return row!;
  });
}

const deadlineLabels = { rfiDeadline: 'RFI回答期限', questionDeadline: '質問受付期限', submissionDeadline: '提出期限' } as const;

/** Refuses a deadline being set to a time already past (400 naming each field); an unchanged one stays as it is. */
function assertFutureDeadlines(
  now: Date,
  before: Pick<CaseRow, keyof typeof deadlineLabels>,
  after: Partial<Record<keyof typeof deadlineLabels, Date | null | undefined>>,
) {
  const issues = (Object.keys(deadlineLabels) as (keyof typeof deadlineLabels)[]).flatMap((key) => {
    const message = pastDeadlineProblem(deadlineLabels[key], now, before[key], after[key]);
    return message ? [{ path: key, message }] : [];
  });
  if (issues.length > 0) throw new AppError('validation_error', issues.map((i) => i.message).join('。'), issues);
}

/** The case's checklist for publishing it as `to` (an RFI, or the notice), read from what is stored now. */
export async function publicationChecklistOf(db: Db, row: CaseRow, to: PublishTarget, now: Date): Promise<ChecklistItem[]> {
  const [rfi] = await db.select({ questions: rfis.questions }).from(rfis).where(eq(rfis.caseId, row.id));
  const [spec] = await db.select({ version: specVersions.version }).from(specVersions).where(eq(specVersions.caseId, row.id)).orderBy(desc(specVersions.version)).limit(1);
  const [evaluation] = await db.select({ criteria: evaluations.criteria }).from(evaluations).where(eq(evaluations.caseId, row.id));
  const [bidding] = await db.select({ caseId: biddings.caseId }).from(biddings).where(eq(biddings.caseId, row.id));
  const [round1] = bidding ? await db.select().from(bidRounds).where(and(eq(bidRounds.caseId, row.id), eq(bidRounds.round, 1))) : [];
  return publicationChecklist({
    method: row.method,
    to,
    now,
    specVersion: spec?.version ?? null,
    rfiQuestions: rfi ? rfi.questions.length : null,
    rfiDeadline: row.rfiDeadline,
    questionDeadline: row.questionDeadline,
    submissionDeadline: row.submissionDeadline,
    criteria: evaluation ? evaluation.criteria.length : null,
    bidding: round1 ? { deadline: round1.deadlineAt, opening: round1.openingAt } : null,
  });
}
