import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { notify } from './notify.ts';
import { z } from 'zod';
import { caseYears, cases, members, participants, surveyResponses, surveys } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, findCase, lockCase } from '../db/cases.ts';
import { findMember } from '../db/tenancy.ts';
import { fiscalYearOf, fiscalYearLabel } from '../domain/fiscal-year.ts';
import {
  THRESHOLD_SCALE,
  type SurveyCandidate,
  answerProblems,
  applyShortlist,
  confirmationPlan,
  intents,
  joiningMembers,
  nextProposalCode,
  sameCandidateName,
  shortlistProblems,
  surveyResults,
} from '../domain/survey.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { fiscalYearInput, isUsableKey, unusableKeyMessage, distinctBy } from '../http/inputs.ts';
import { fillCodes } from '../domain/codes.ts';
import { parseWith } from '../http/json.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';
import { caseInput, caseView, insertCase } from './cases.ts';

type SurveyRow = typeof surveys.$inferSelect;

export const surveyStages = ['proposals', 'ranking'] as const;
export type SurveyStage = (typeof surveyStages)[number];
export const surveyStageLabels: Record<SurveyStage, string> = {
  proposals: '候補の募集（第1段階）',
  ranking: '順位付け・参加意向',
};

/** A survey holds at most this many candidates, proposals included. */
const MAX_CANDIDATES = 100;

const candidateCode = z
  .string()
  .trim()
  .regex(/^([A-Za-z0-9_-]{1,40})?$/, { message: '候補のコードは英数字・-・_ の40文字以内にしてください（空欄なら自動で付けます）' })
  .refine(isUsableKey, { message: unusableKeyMessage });

const candidateName = z.string().trim().min(1, { message: '候補の名称を入力してください' }).max(200);

export const surveyInput = z
  .strictObject({
    title: z.string().trim().min(1, { message: '調査名を入力してください' }).max(300),
    candidates: z
      .array(z.strictObject({ code: candidateCode.optional(), name: candidateName }))
      .max(MAX_CANDIDATES)
      // a blank code is generated from the candidate's place (C1, C2, …); a typed one is kept
      .transform((list) => fillCodes(list, 'C'))
      .superRefine(distinctBy('code', '候補のコード'))
      .default([]),
    points: z.array(z.number().int().min(0).max(1000)).min(1).max(100).default([2, 1]),
    threshold: z.number().min(0).max(1).default(0.25),
    closesAt: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).nullable().optional(),
    /** 'proposals': a two-stage survey (大阪府) that first collects the candidate systems from the members */
    stage: z.enum(surveyStages).default('ranking'),
    /** a yearly 次年度参加意向調査 of a running case: the case and the fiscal year its "join" answers are for */
    caseId: z.string().trim().min(1).max(100).optional(),
    targetFiscalYear: fiscalYearInput.optional(),
  })
  .superRefine((v, ctx) => {
    // a linked survey without candidates asks about the case itself
    if (v.stage === 'ranking' && v.candidates.length === 0 && v.caseId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['candidates'], message: '候補を1つ以上指定してください（候補を参加団体から募集する場合は、調査の進め方で二段階を選びます）' });
    }
    if ((v.caseId === undefined) !== (v.targetFiscalYear === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.caseId === undefined ? 'caseId' : 'targetFiscalYear'],
        message: '継続案件の参加意向調査には、案件（caseId）と対象年度（targetFiscalYear）の両方を指定してください',
      });
    }
    if (v.caseId !== undefined && v.stage === 'proposals') {
      ctx.addIssue({ code: 'custom', path: ['stage'], message: '継続案件の参加意向調査は候補の募集から始めることはできません' });
    }
  });

export const surveyPatch = z
  .strictObject({
    title: z.string().trim().min(1).max(300).optional(),
    closesAt: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: '変更する項目を指定してください' });

export const responseInput = z.strictObject({
  ranking: z.array(z.string().max(40)).max(100).default([]),
  intents: z.record(z.string().max(40), z.enum(intents)).default({}),
});

/** A system a member body proposes in the first stage; the secretariat may record one for a body (memberId). */
export const proposalInput = z.strictObject({
  name: candidateName,
  note: z.string().trim().max(2000).optional(),
  memberId: z.string().trim().min(1).max(100).optional(),
});

export const shortlistInput = z.strictObject({
  codes: z.array(z.string().trim().min(1).max(40)).min(1, { message: '残す候補を1つ以上選んでください' }).max(MAX_CANDIDATES),
  /** why these candidates were kept (recorded in the audit log with the candidates dropped) */
  reason: z.string().trim().max(2000).optional(),
});

/**
 * A candidate becomes a case. The case fields are checked by the case schema itself (caseInput), so
 * they mean exactly what they mean on POST /api/cases; only their presence is known here.
 */
export const candidateCaseInput = z.strictObject({
  title: z.unknown(),
  method: z.unknown(),
  contractMode: z.unknown().optional(),
  fiscalYear: z.unknown().optional(),
  negotiatedGround: z.unknown().optional(),
  negotiatedReason: z.unknown().optional(),
  /** why the case goes ahead although too few members intend to join (政策性) */
  reason: z.string().trim().min(1, { message: '実施する理由を入力してください' }).max(2000).optional(),
});

export const confirmInput = z.strictObject({
  memberIds: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
});

export function surveyView(row: SurveyRow, now: Date) {
  return {
    id: row.id,
    title: row.title,
    candidates: row.candidates,
    points: row.points,
    threshold: row.thresholdMillionths / THRESHOLD_SCALE,
    stage: row.stage,
    caseId: row.caseId,
    targetFiscalYear: row.targetFiscalYear,
    closesAt: row.closesAt?.toISOString() ?? null,
    closed: isClosed(row, now),
    createdAt: row.createdAt.toISOString(),
  };
}

const isClosed = (row: SurveyRow, now: Date) => row.closesAt !== null && now.getTime() >= row.closesAt.getTime();

export async function loadSurvey(c: Ctx, id: string, ...roles: ('secretariat' | 'member')[]) {
  const user = requireConsortiumRole(c, ...roles);
  const [row] = await dbOf(c)
    .select()
    .from(surveys)
    .where(and(eq(surveys.consortiumId, user.consortiumId), eq(surveys.id, id)));
  if (!row) throw notFound('指定された調査が見つかりません。');
  return { user, row };
}

export async function listSurveys(c: Ctx) {
  const user = requireConsortiumRole(c, 'secretariat', 'member');
  return dbOf(c).select().from(surveys).where(eq(surveys.consortiumId, user.consortiumId)).orderBy(asc(surveys.createdAt));
}

export async function createSurvey(c: Ctx, input: z.output<typeof surveyInput>) {
  const me = requireConsortiumRole(c, 'secretariat');
  let candidates: SurveyCandidate[] = input.candidates;
  if (input.caseId !== undefined) {
    const linked = await findCase(dbOf(c), me.consortiumId, input.caseId);
    if (!linked) throw notFound('指定された調達案件が見つかりません。');
    if (input.targetFiscalYear! < linked.fiscalYear) {
      throw new AppError('validation_error', undefined, [
        { path: 'targetFiscalYear', code: 'custom', message: `対象年度は案件の年度（${fiscalYearLabel(linked.fiscalYear)}）以降にしてください` },
      ]);
    }
    // the yearly survey of a running case asks about the case itself unless told otherwise
    if (candidates.length === 0) candidates = [{ code: 'join', name: linked.title }];
  }
  return mutate(c, async (tx, audit) => {
    const [row] = await tx
      .insert(surveys)
      .values({
        id: newId(),
        consortiumId: me.consortiumId,
        title: input.title,
        candidates,
        stage: input.stage,
        caseId: input.caseId ?? null,
        targetFiscalYear: input.targetFiscalYear ?? null,
        points: input.points,
        thresholdMillionths: Math.round(input.threshold * THRESHOLD_SCALE),
        closesAt: input.closesAt ?? null,
        createdAt: nowOf(c),
      })
      .returning();
    await audit({
      action: 'survey.create',
      objectType: 'survey',
      objectId: row!.id,
      caseId: input.caseId ?? null,
      details: { title: row!.title, candidates: candidates.length, stage: input.stage, targetFiscalYear: input.targetFiscalYear },
    });
    await notify(c.get('deps'), tx, { kind: 'survey_opened', surveyId: row!.id });
    return row!;
  });
}

export async function updateSurvey(c: Ctx, id: string, input: z.output<typeof surveyPatch>) {
  const { row } = await loadSurvey(c, id, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const [saved] = await tx.update(surveys).set(changes).where(eq(surveys.id, row.id)).returning();
    await audit({ action: 'survey.update', objectType: 'survey', objectId: row.id, details: { changed: Object.keys(changes), closesAt: input.closesAt?.toISOString() } });
    return saved!;
  });
}

const definitionOf = (row: SurveyRow) => ({ candidates: row.candidates, points: row.points, thresholdMillionths: row.thresholdMillionths });

/** The survey row again, locked for the rest of the transaction: proposals, the shortlist and decisions on it do not interleave. */
async function lockSurvey(tx: Db, row: SurveyRow): Promise<SurveyRow> {
  const [current] = await tx.select().from(surveys).where(eq(surveys.id, row.id)).for('update');
  return current!;
}

/** A member answers only for itself (the secretariat for anyone), until the survey closes; never while candidates are still being proposed. */
export async function answerSurvey(c: Ctx, id: string, memberId: string, input: z.output<typeof responseInput>) {
  const { user, row } = await loadSurvey(c, id, 'secretariat', 'member');
  if (user.role === 'member' && user.memberId !== memberId) throw forbidden('他の団体の回答はできません。');
  const member = await findMember(dbOf(c), user.consortiumId, memberId);
  if (!member) throw notFound('指定された参加団体が見つかりません。');
  const now = nowOf(c);
  if (isClosed(row, now)) throw new AppError('survey_closed');
  if (row.stage === 'proposals') throw new AppError('survey_stage', 'この調査はまだ候補を募集している段階です。順位と参加意向は候補が絞り込まれてから回答できます。');
  const problems = answerProblems(definitionOf(row), input);
  if (problems.length > 0) throw new AppError('validation_error', problems[0], problems.map((message) => ({ path: 'ranking/intents', message })));
  return mutate(c, async (tx, audit) => {
    // the shortlist may have changed the candidates since the row was read
    const current = await holdSurvey(tx, row);
    if (current.stage === 'proposals') throw new AppError('survey_stage');
    const values = { ranking: input.ranking, intents: input.intents, updatedAt: now, updatedBy: user.id };
    const [saved] = await tx
      .insert(surveyResponses)
      .values({ surveyId: row.id, memberId, ...values })
      .onConflictDoUpdate({ target: [surveyResponses.surveyId, surveyResponses.memberId], set: values })
      .returning();
    await audit({ action: 'survey.answer', objectType: 'survey_response', objectId: memberId, details: { surveyId: row.id, member: member.name, ...input } });
    return responseView(saved!, member.name);
  });
}

async function holdSurvey(tx: Db, row: SurveyRow): Promise<SurveyRow> {
  const [current] = await tx.select().from(surveys).where(eq(surveys.id, row.id)).for('share');
  return current!;
}

/**
 * First stage of a two-stage survey (大阪府): a member body proposes a system, or the secretariat
 * records one (for a body, or of its own). The code is the service's (P1, P2, …).
 */
export async function proposeCandidate(c: Ctx, id: string, input: z.output<typeof proposalInput>) {
  const { user, row } = await loadSurvey(c, id, 'secretariat', 'member');
  let proposedBy: string | undefined;
  if (user.role === 'member') {
    if (input.memberId !== undefined && input.memberId !== user.memberId) throw forbidden('他の団体として候補を提案することはできません。');
    proposedBy = user.memberId!;
  } else if (input.memberId !== undefined) {
    if (!(await findMember(dbOf(c), user.consortiumId, input.memberId))) throw notFound('指定された参加団体が見つかりません。');
    proposedBy = input.memberId;
  }
  const now = nowOf(c);
  if (isClosed(row, now)) throw new AppError('survey_closed');
  return mutate(c, async (tx, audit) => {
    const current = await lockSurvey(tx, row);
    if (current.stage !== 'proposals') throw new AppError('survey_stage', '候補の募集は終わっています（候補は絞り込み済みです）。');
    const same = current.candidates.find((cand) => sameCandidateName(cand.name, input.name));
    if (same) throw new AppError('conflict', `同じ名称の候補「${same.name}」がすでに提案されています。`, { code: same.code });
    if (current.candidates.length >= MAX_CANDIDATES) throw new AppError('conflict', `候補は${MAX_CANDIDATES}件までです。`);
    const candidate: SurveyCandidate = {
      code: nextProposalCode(current.candidates),
      name: input.name,
      ...(proposedBy !== undefined ? { proposedBy } : {}),
      ...(input.note ? { note: input.note } : {}),
    };
    await tx.update(surveys).set({ candidates: [...current.candidates, candidate] }).where(eq(surveys.id, row.id));
    await audit({ action: 'survey.propose', objectType: 'survey', objectId: row.id, details: { code: candidate.code, name: candidate.name, proposedBy: proposedBy ?? null, note: input.note } });
    return candidate;
  });
}

/** Ends the first stage: only the candidates named stay, and members may rank them. */
export async function shortlistCandidates(c: Ctx, id: string, input: z.output<typeof shortlistInput>) {
  const { row } = await loadSurvey(c, id, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const current = await lockSurvey(tx, row);
    if (current.stage !== 'proposals') throw new AppError('survey_stage', 'この調査はすでに順位付けの段階です。');
    const problems = shortlistProblems(current.candidates, input.codes);
    if (problems.length > 0) throw new AppError('validation_error', problems[0], problems.map((message) => ({ path: 'codes', code: 'custom', message })));
    const kept = applyShortlist(current.candidates, input.codes);
    const dropped = current.candidates.filter((cand) => !input.codes.includes(cand.code)).map((cand) => cand.code);
    const [saved] = await tx.update(surveys).set({ candidates: kept, stage: 'ranking' }).where(eq(surveys.id, row.id)).returning();
    await audit({ action: 'survey.shortlist', objectType: 'survey', objectId: row.id, details: { kept: input.codes, dropped, reason: input.reason || undefined } });
    return saved!;
  });
}

/** The case view with where the case came from: the survey candidate and the 政策性 exception, if any. */
export function decidedCaseView(row: CaseRow) {
  return { ...caseView(row), sourceSurveyId: row.sourceSurveyId, sourceCandidateCode: row.sourceCandidateCode, thresholdException: row.thresholdException };
}

/**
 * A survey candidate becomes a draft case in one step: the members that answered "join" become
 * provisional participants from the case's fiscal year. Below the threshold the case goes ahead only
 * with a reason (政策性), which the case keeps.
 */
export async function caseFromCandidate(c: Ctx, id: string, code: string, input: z.output<typeof candidateCaseInput>) {
  const { user, row } = await loadSurvey(c, id, 'secretariat');
  const candidate = row.candidates.find((cand) => cand.code === code);
  if (!candidate) throw notFound('指定された候補が見つかりません。');
  const now = nowOf(c);
  const fields = parseWith(caseInput, {
    title: input.title,
    method: input.method,
    contractMode: input.contractMode ?? 'bulk',
    fiscalYear: input.fiscalYear ?? fiscalYearOf(now),
    ...(input.negotiatedGround !== undefined ? { negotiatedGround: input.negotiatedGround } : {}),
    ...(input.negotiatedReason !== undefined ? { negotiatedReason: input.negotiatedReason } : {}),
  });
  return mutate(c, async (tx, audit) => {
    const current = await lockSurvey(tx, row);
    if (current.stage !== 'ranking') throw new AppError('survey_stage', '候補の募集中は調達案件を作成できません。先に候補を絞り込んでください。');
    if (!current.candidates.some((cand) => cand.code === code)) throw notFound('指定された候補が見つかりません。');
    const [existing] = await tx
      .select({ id: cases.id, title: cases.title })
      .from(cases)
      .where(and(eq(cases.consortiumId, user.consortiumId), eq(cases.sourceSurveyId, row.id), eq(cases.sourceCandidateCode, code)));
    if (existing) throw new AppError('conflict', `この候補からはすでに調達案件「${existing.title}」が作成されています。`, { caseId: existing.id });
    const results = await resultsOf(tx, current);
    const result = results.results.find((r) => r.code === code)!;
    const threshold = current.thresholdMillionths / THRESHOLD_SCALE;
    if (!result.meetsThreshold && input.reason === undefined) {
      throw new AppError(
        'below_threshold',
        `参加意向のある団体は全${results.members}団体中${result.intending}団体で、基準（${(threshold * 100).toFixed(1)}%）に達していません。政策的に実施する場合は理由を入力してください。`,
        { intending: result.intending, members: results.members, threshold },
      );
    }
    const thresholdException = result.meetsThreshold ? null : input.reason!;
    const created = await insertCase(tx, audit, user.consortiumId, fields, now, { sourceSurveyId: row.id, sourceCandidateCode: code, thresholdException });
    const answers = await surveyResponsesOf(tx, current);
    const joining = joiningMembers(answers.map((a) => a.response), code);
    const names = new Map(answers.map((a) => [a.response.memberId, a.memberName]));
    for (const memberId of joining) {
      await tx.insert(participants).values({
        caseId: created.id,
        memberId,
        participating: true,
        options: {},
        joinedAt: now,
        lateJoin: false,
        fromFiscalYear: created.fiscalYear,
        provisional: true,
        updatedAt: now,
        updatedBy: user.id,
      });
      await audit({
        action: 'participant.join',
        objectType: 'participant',
        objectId: memberId,
        caseId: created.id,
        details: { member: names.get(memberId), provisional: true, fromFiscalYear: created.fiscalYear, surveyId: row.id, candidate: code },
      });
    }
    await audit({
      action: thresholdException === null ? 'survey.decide' : 'survey.decide_below_threshold',
      objectType: 'survey',
      objectId: row.id,
      caseId: created.id,
      details: { candidate: code, name: candidate.name, intending: result.intending, members: results.members, threshold, thresholdException, participants: joining.length },
    });
    return {
      case: decidedCaseView(created),
      participants: joining.map((memberId) => ({ memberId, memberName: names.get(memberId) ?? '', provisional: true, fromFiscalYear: created.fiscalYear })),
    };
  });
}

/**
 * 次年度参加意向調査: the members confirmed become participants of the linked case from the target
 * fiscal year (a late join, no longer provisional). Members already participating are left as they are.
 */
export async function confirmParticipants(c: Ctx, id: string, input: z.output<typeof confirmInput>) {
  const { user, row } = await loadSurvey(c, id, 'secretariat');
  if (row.caseId === null || row.targetFiscalYear === null) throw new AppError('conflict', 'この調査は継続案件に紐づいていないため、参加団体を確定できません。');
  const caseId = row.caseId;
  const fiscalYear = row.targetFiscalYear;
  return mutate(c, async (tx, audit) => {
    const linked = await lockCase(tx, user.consortiumId, caseId);
    if (!linked) throw notFound('調査に紐づく調達案件が見つかりません。');
    if (linked.state === 'cancelled') throw new AppError('conflict', '中止された案件には参加団体を確定できません。');
    const [year] = await tx.select({ closedAt: caseYears.closedAt }).from(caseYears).where(and(eq(caseYears.caseId, caseId), eq(caseYears.fiscalYear, fiscalYear)));
    if (year?.closedAt) throw new AppError('year_closed', `${fiscalYearLabel(fiscalYear)}は確定（締め）済みのため、参加団体を追加できません。`, { fiscalYear });
    const answers = await surveyResponsesOf(tx, row);
    const requested = input.memberIds ?? joiningMembers(answers.map((a) => a.response), row.candidates[0]?.code ?? '');
    const known =
      requested.length === 0
        ? []
        : await tx
            .select({ id: members.id, name: members.name })
            .from(members)
            .where(and(eq(members.consortiumId, user.consortiumId), inArray(members.id, [...new Set(requested)])));
    const names = new Map(known.map((m) => [m.id, m.name]));
    const unknown = requested.filter((memberId) => !names.has(memberId));
    if (unknown.length > 0) throw notFound(`指定された参加団体が見つかりません: ${unknown.join(', ')}`);
    const existing =
      requested.length === 0
        ? []
        : await tx.select().from(participants).where(and(eq(participants.caseId, caseId), inArray(participants.memberId, [...names.keys()])));
    const previous = new Map(existing.map((p) => [p.memberId, p]));
    const plan = confirmationPlan(requested, new Set(existing.filter((p) => p.participating).map((p) => p.memberId)));
    const now = nowOf(c);
    for (const memberId of plan.confirmed) {
      const values = {
        participating: true,
        options: previous.get(memberId)?.options ?? {},
        joinedAt: now,
        lateJoin: true,
        withdrawnAt: null,
        fromFiscalYear: fiscalYear,
        untilFiscalYear: null,
        provisional: false,
        updatedAt: now,
        updatedBy: user.id,
      };
      await tx
        .insert(participants)
        .values({ caseId, memberId, ...values })
        .onConflictDoUpdate({ target: [participants.caseId, participants.memberId], set: values });
      await audit({
        action: 'participant.join',
        objectType: 'participant',
        objectId: memberId,
        caseId,
        details: { member: names.get(memberId), lateJoin: true, fromFiscalYear: fiscalYear, surveyId: row.id },
      });
    }
    await audit({
      action: 'survey.confirm',
      objectType: 'survey',
      objectId: row.id,
      caseId,
      details: { fiscalYear, confirmed: plan.confirmed, alreadyParticipating: plan.alreadyParticipating },
    });
    return plan;
  });
}

/** The members taking part in a case (participating), for the confirmation form of a yearly survey. */
export async function participatingMemberIds(db: Db, caseId: string): Promise<Set<string>> {
  const rows = await db
    .select({ memberId: participants.memberId })
    .from(participants)
    .where(and(eq(participants.caseId, caseId), eq(participants.participating, true)));
  return new Set(rows.map((r) => r.memberId));
}

export function responseView(r: typeof surveyResponses.$inferSelect, memberName: string) {
  return { memberId: r.memberId, memberName, ranking: r.ranking, intents: r.intents, updatedAt: r.updatedAt.toISOString() };
}

export async function surveyResponsesOf(db: Db, row: SurveyRow) {
  return db
    .select({ response: surveyResponses, memberName: members.name })
    .from(surveyResponses)
    .innerJoin(members, eq(members.id, surveyResponses.memberId))
    .where(eq(surveyResponses.surveyId, row.id))
    .orderBy(asc(members.code), asc(members.name));
}

/**
 * The totals, each candidate with the name of the body that proposed it and the case made from it
 * (with the reason it went ahead below the threshold, if it did).
 */
export async function resultsOf(db: Db, row: SurveyRow) {
  const [memberCount] = await db.select({ n: count() }).from(members).where(eq(members.consortiumId, row.consortiumId));
  const answers = await db.select().from(surveyResponses).where(eq(surveyResponses.surveyId, row.id));
  const totals = surveyResults(
    definitionOf(row),
    Number(memberCount!.n),
    answers.map((a) => ({ memberId: a.memberId, ranking: a.ranking, intents: a.intents })),
  );
  const proposers = row.candidates.flatMap((cand) => (cand.proposedBy ? [cand.proposedBy] : []));
  const names = new Map(
    (proposers.length === 0 ? [] : await db.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, proposers))).map((m) => [m.id, m.name]),
  );
  const decided = await db
    .select({ id: cases.id, title: cases.title, code: cases.sourceCandidateCode, thresholdException: cases.thresholdException })
    .from(cases)
    .where(and(eq(cases.consortiumId, row.consortiumId), eq(cases.sourceSurveyId, row.id)));
  return {
    ...totals,
    results: totals.results.map((r) => {
      const made = decided.find((d) => d.code === r.code);
      return {
        ...r,
        proposedByName: r.proposedBy ? (names.get(r.proposedBy) ?? null) : null,
        case: made ? { id: made.id, title: made.title, thresholdException: made.thresholdException } : null,
      };
    }),
  };
}
