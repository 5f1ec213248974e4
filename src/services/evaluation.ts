import { caseMethodLabels } from '../domain/methods.ts';
import { notify } from './notify.ts';
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Grade, type SheetScore, auditLog, evaluations, evaluators, files, sheets, users } from '../../schema/index.ts';
import { compareNames } from '../domain/names.ts';
import { type Ctx, dbOf, nowOf } from '../context.ts';
import { auditEntryFrom } from '../db/audit.ts';
import { type Db, executePrepared, perDatabase } from '../db/client.ts';
import { type CaseRow, holdCase } from '../db/cases.ts';
import { criteriaChanges } from '../domain/addenda.ts';
import { addendumReason, addendumReasonFor, criteriaTermsOf, recordAddendum } from './addenda.ts';
import { resolveAlias, vendorAlias } from '../domain/alias.ts';
import { hasPassed } from '../domain/deadline.ts';
import { fileView } from '../db/files.ts';
import { Fraction, decimalText, hasAtMostDecimals } from '../domain/fraction.ts';
import { type Ranking, type ScoringRules, rankProposals, sheetProblems, sheetTotal } from '../domain/scoring.ts';
import { AppError, notFound } from '../errors.ts';
import { isUsableKey, unusableKeyMessage, distinctBy } from '../http/inputs.ts';
import { fillCodes } from '../domain/codes.ts';
import { mutate } from '../http/mutate.ts';

export type EvaluationRow = typeof evaluations.$inferSelect;
type EvaluatorRow = typeof evaluators.$inferSelect;
type SheetRow = typeof sheets.$inferSelect;

const decimal = (max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .refine((v) => hasAtMostDecimals(v, 6), { message: '小数第6位までで指定してください' });

export const evaluationInput = z
  .strictObject({
    criteria: z
      .array(
        z.strictObject({
          code: z.string().trim().regex(/^([A-Za-z0-9_-]{1,40})?$/, { message: '評価項目のコードは英数字・-・_ の40文字以内にしてください（空欄なら自動で付けます）' }).refine(isUsableKey, { message: unusableKeyMessage }).optional(),
          group: z.string().trim().max(100).optional(),
          name: z.string().trim().min(1, { message: '評価項目名を入力してください' }).max(200),
          maxPoints: z.number().min(0).max(10_000).refine((v) => hasAtMostDecimals(v, 2), { message: '配点は小数第2位まで' }),
          mode: z.enum(['points', 'grade', 'pass_fail', 'price']),
          guidance: z.string().max(2000).optional(),
        }),
      )
      .min(1, { message: '評価項目を1つ以上指定してください' })
      .max(200)
      // a blank code is generated from the item's place (crit-1, crit-2, …); a typed one is kept
      .transform((cs) => fillCodes(cs, 'crit-'))
      .superRefine(distinctBy('code', '評価項目のコード'))
      .refine((cs) => cs.filter((c) => c.mode === 'price').length <= 1, { message: '価格の評価項目は1つまでです' })
      .refine((cs) => cs.every((c) => c.mode === 'pass_fail' || c.maxPoints > 0), { message: '配点は0より大きくしてください（適否の項目を除く）' }),
    aggregation: z.enum(['average', 'sum', 'trimmed_mean']),
    passRatio: decimal(1).default(0.6),
    grades: z.strictObject({ A: decimal(1), B: decimal(1), C: decimal(1), D: decimal(1), E: decimal(1) }).default({ A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 }),
    evaluatorIds: z.array(z.string().max(64)).min(1, { message: '評価委員を1人以上指定してください' }).max(100),
    anonymize: z.boolean().default(false),
    /** 変更理由: required once the case is published and the published rules change */
    reason: addendumReason.optional(),
  })
  .refine((v) => new Set(v.evaluatorIds).size === v.evaluatorIds.length, { message: '評価委員が重複しています', path: ['evaluatorIds'] });

export const coiInput = z.strictObject({ conflict: z.boolean(), note: z.string().max(2000).optional() });

export const sheetInput = z.strictObject({
  scores: z.record(z.string().max(40), z.union([z.number(), z.enum(['A', 'B', 'C', 'D', 'E']), z.boolean()])),
  comment: z.string().max(10_000).optional(),
  /** the version the client last saw; a save against an older one is refused as stale */
  version: z.number().int().min(0).optional(),
});

export const submitInput = z.strictObject({ version: z.number().int().min(0).optional() });
export const reopenInput = z.strictObject({ evaluatorId: z.string().max(64), reason: z.string().trim().min(1, { message: '差し戻しの理由を入力してください' }).max(2000) });

export function rulesOf(row: EvaluationRow): ScoringRules {
  return {
    criteria: row.criteria,
    aggregation: row.aggregation,
    passRatio: Fraction.decimal(row.passRatio),
    grades: Object.fromEntries(Object.entries(row.grades).map(([g, v]) => [g, Fraction.decimal(v)])) as Record<Grade, Fraction>,
  };
}

export function evaluationView(row: EvaluationRow, committee: EvaluatorRow[]) {
  return {
    criteria: row.criteria,
    aggregation: row.aggregation,
    passRatio: Number(row.passRatio),
    grades: Object.fromEntries(Object.entries(row.grades).map(([g, v]) => [g, Number(v)])),
    evaluatorIds: committee.map((e) => e.userId),
    anonymize: row.anonymize,
    closed: row.closedAt !== null,
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

export async function findEvaluation(db: Db, caseId: string) {
  const [row] = await db.select().from(evaluations).where(eq(evaluations.caseId, caseId));
  if (!row) return null;
  const committee = await db.select().from(evaluators).where(eq(evaluators.caseId, caseId));
  return { row, committee };
}

export async function requireEvaluation(db: Db, caseId: string) {
  const found = await findEvaluation(db, caseId);
  if (!found) throw notFound('この案件には評価基準が設定されていません。');
  return found;
}

/** Sets the published rules and the committee; refused once any sheet has been submitted. */
export async function setEvaluation(c: Ctx, row: CaseRow, input: z.output<typeof evaluationInput>) {
  if (row.method !== 'proposal' && row.method !== 'comprehensive') throw new AppError('conflict', `${caseMethodLabels[row.method]}の案件には評価基準を設定できません。`);
  const db = dbOf(c);
  const people = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.consortiumId, row.consortiumId), eq(users.role, 'evaluator'), inArray(users.id, input.evaluatorIds)));
  const unknown = input.evaluatorIds.filter((id) => !people.some((p) => p.id === id));
  if (unknown.length > 0) throw new AppError('validation_error', '評価委員でない利用者が含まれています。', unknown.map((id) => ({ path: 'evaluatorIds', message: id })));
  return mutate(c, async (tx, audit) => {
    const [started] = await tx.select({ n: sheets.caseId }).from(sheets).where(and(eq(sheets.caseId, row.id), eq(sheets.status, 'submitted'))).limit(1);
    if (started) throw new AppError('evaluation_started');
    const current = await holdCase(tx, row);
    const [previous] = await tx.select().from(evaluations).where(eq(evaluations.caseId, row.id));
    const announced = criteriaChanges(previous ? criteriaTermsOf(previous) : null, {
      criteria: input.criteria,
      aggregation: input.aggregation,
      passRatio: input.passRatio,
      grades: input.grades,
    });
    const announceWith = addendumReasonFor(current, announced, input.reason);
    const values = {
      criteria: input.criteria,
      aggregation: input.aggregation,
      passRatio: decimalText(input.passRatio),
      grades: Object.fromEntries(Object.entries(input.grades).map(([g, v]) => [g, decimalText(v)])) as Record<Grade, string>,
      anonymize: input.anonymize,
      updatedAt: nowOf(c),
    };
    const [saved] = await tx
      .insert(evaluations)
      .values({ caseId: row.id, ...values })
      .onConflictDoUpdate({ target: evaluations.caseId, set: values })
      .returning();
    const existing = await tx.select().from(evaluators).where(eq(evaluators.caseId, row.id));
    const removed = existing.filter((e) => !input.evaluatorIds.includes(e.userId)).map((e) => e.userId);
    if (removed.length > 0) await tx.delete(evaluators).where(and(eq(evaluators.caseId, row.id), inArray(evaluators.userId, removed)));
    const added = input.evaluatorIds.filter((id) => !existing.some((e) => e.userId === id));
    if (added.length > 0) await tx.insert(evaluators).values(added.map((userId) => ({ caseId: row.id, userId })));
    await audit({
      action: 'evaluation.set',
      objectType: 'evaluation',
      objectId: row.id,
      caseId: row.id,
      details: { criteria: input.criteria.length, aggregation: input.aggregation, passRatio: input.passRatio, evaluators: input.evaluatorIds, anonymize: input.anonymize },
    });
    await recordAddendum(c, tx, audit, current, announceWith, announced);
    if (added.length > 0) await notify(c.get('deps'), tx, { kind: 'evaluator_assigned', caseId: row.id, userIds: added });
    return saved!;
  });
}

export interface EvaluatedVendor {
  vendorId: string;
  vendorName: string;
  /** 提案者A, B, C… in order of first submission */
  label: string;
  price: number | null;
}

const labelOf = (i: number) => (i < 26 ? `提案者${String.fromCharCode(65 + i)}` : `提案者${i + 1}`);

/**
 * The proposals to score: every vendor with a price or a file that did not withdraw, lettered
 * 提案者A, B, C… in the order they first submitted (a stable order that says nothing about names).
 */
export async function evaluatedVendors(db: Db, caseId: string): Promise<EvaluatedVendor[]> {
  return vendorsFrom(await resultsInputs(db, caseId, false));
}

/** The name an evaluator sees: the letter when the evaluation is anonymised. */
export const shownName = (vendor: EvaluatedVendor, anonymize: boolean) => (anonymize ? vendor.label : vendor.vendorName);

/** A file name an evaluator may see: under anonymisation the vendor's letter and a number, keeping the extension. */
export function shownFileName(name: string, vendor: EvaluatedVendor, index: number, anonymize: boolean): string {
  if (!anonymize) return name;
  const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
  return `${vendor.label}_提出資料${index + 1}${ext}`;
}

/**
 * What an evaluator's views call a proposal (API.md, "Anonymised evaluation"): the vendor id, or while the
 * evaluation is anonymised an opaque alias bound to the case, so no vendor id reaches the committee.
 */
function proposalRef(c: Ctx, caseId: string, vendorId: string, anonymize: boolean): string {
  return anonymize ? vendorAlias(c.get('deps').keys.alias, caseId, vendorId) : vendorId;
}

/** A ref as an evaluator sent it: the vendor it names when it is an alias of this case, else the string itself. */
function readRef(c: Ctx, caseId: string, ref: string) {
  const aliased = resolveAlias(c.get('deps').keys.alias, caseId, ref);
  return { vendorId: aliased ?? ref, aliased: aliased !== null };
}

/**
 * The vendor a ref names under the evaluation's rule: an alias while anonymised, the vendor id otherwise.
 * Anything else (a bare vendor id while anonymised, another case's alias) is the same 404 as a missing
 * proposal, and the message never repeats what was sent.
 */
function vendorOfRef(ref: { vendorId: string; aliased: boolean }, anonymize: boolean): string {
  if (ref.aliased !== anonymize) throw notFound('指定された提案が見つかりません。');
  return ref.vendorId;
}

/** The caller as a cleared member of the committee (assigned and declared no conflict), or 404/403. */
export async function clearedEvaluator(c: Ctx, row: CaseRow) {
  const user = c.get('user')!;
  const [member] = await dbOf(c)
    .select()
    .from(evaluators)
    .where(and(eq(evaluators.caseId, row.id), eq(evaluators.userId, user.id)));
  if (!member) throw notFound('この案件の評価委員ではありません。');
  if (member.conflict === null) throw new AppError('forbidden', '先に利害関係の有無を申告してください。');
  if (member.conflict) throw new AppError('forbidden', '利害関係があると申告したため、この案件の評価には参加できません。');
  return member;
}

export async function isClearedEvaluator(db: Db, caseId: string, userId: string): Promise<boolean> {
  const [member] = await db
    .select({ conflict: evaluators.conflict })
    .from(evaluators)
    .where(and(eq(evaluators.caseId, caseId), eq(evaluators.userId, userId)));
  return member?.conflict === false;
}

export async function declareConflict(c: Ctx, row: CaseRow, input: z.output<typeof coiInput>) {
  const user = c.get('user')!;
  return mutate(c, async (tx, audit) => {
    const [member] = await tx
      .select()
      .from(evaluators)
      .where(and(eq(evaluators.caseId, row.id), eq(evaluators.userId, user.id)))
      .for('update');
    if (!member) throw notFound('この案件の評価委員ではありません。');
    if (member.conflict === true) throw new AppError('conflict', '利害関係ありと申告済みです。変更は事務局にご相談ください。');
    if (member.conflict === false && !input.conflict) throw new AppError('conflict', '利害関係なしと申告済みです。');
    const [saved] = await tx
      .update(evaluators)
      .set({ conflict: input.conflict, note: input.note ?? null, declaredAt: nowOf(c) })
      .where(and(eq(evaluators.caseId, row.id), eq(evaluators.userId, user.id)))
      .returning();
    await audit({ action: 'evaluation.coi', objectType: 'evaluator', objectId: user.id, caseId: row.id, details: { conflict: input.conflict, note: input.note } });
    return saved!;
  });
}


export function sheetView(evaluation: EvaluationRow, sheet: SheetRow | undefined) {
  const scores = sheet?.scores ?? {};
  return {
    status: sheet?.status ?? ('draft' as const),
    scores,
    total: sheetTotal(rulesOf(evaluation), scores).toNumber(),
    comment: sheet?.comment ?? '',
    version: sheet?.version ?? 0,
    updatedAt: sheet?.updatedAt.toISOString() ?? null,
    submittedAt: sheet?.submittedAt?.toISOString() ?? null,
  };
}

/**
 * Locks one evaluator's sheets for the rest of the transaction. The committee row is locked first: a
 * sheet not yet written has no row to lock, and two first saves must still queue, not collide.
 */
/**
 * Locks the case's evaluation for the rest of the transaction and refuses once it is closed: closing,
 * submitting and returning a sheet take this lock first, so none of them can slip past a close.
 */
async function lockOpenEvaluation(tx: Db, caseId: string): Promise<EvaluationRow> {
  const [evaluation] = await tx.select().from(evaluations).where(eq(evaluations.caseId, caseId)).for('update');
  if (!evaluation) throw notFound('この案件には評価基準が設定されていません。');
  if (evaluation.closedAt) throw new AppError('evaluation_closed');
  return evaluation;
}

async function lockSheet(tx: Db, caseId: string, evaluatorId: string, vendorId: string) {
  await tx
    .select({ userId: evaluators.userId })
    .from(evaluators)
    .where(and(eq(evaluators.caseId, caseId), eq(evaluators.userId, evaluatorId)))
    .for('update');
  const [sheet] = await tx
    .select()
    .from(sheets)
    .where(and(eq(sheets.caseId, caseId), eq(sheets.evaluatorId, evaluatorId), eq(sheets.vendorId, vendorId)))
    .for('update');
  return sheet;
}

/**
 * Everything a save or a submission checks, in one query: the case (in the caller's consortium), its
 * rules, whether the caller is a cleared member of the committee, and whether the vendor has a
 * proposal still in the competition.
 */
async function scoringContext(c: Ctx, caseId: string, vendorId: string) {
  const user = c.get('user')!;
  const result = await dbOf(c).execute(sql`
    select e.case_id as "caseId", e.criteria, e.aggregation, e.pass_ratio as "passRatio", e.grades, e.anonymize,
      e.closed_at as "closedAt", e.updated_at as "updatedAt", k.state,
      (select conflict from evaluators where case_id = ${caseId} and user_id = ${user.id}) as conflict,
      exists(select 1 from evaluators where case_id = ${caseId} and user_id = ${user.id}) as member,
      exists(select 1 from proposals where case_id = ${caseId} and vendor_id = ${vendorId} and withdrawn_at is not null) as withdrawn,
      (exists(select 1 from proposals where case_id = ${caseId} and vendor_id = ${vendorId} and price is not null)
        or exists(select 1 from files where case_id = ${caseId} and vendor_id = ${vendorId} and purpose = 'proposal')) as proposed
    from cases k left join evaluations e on e.case_id = k.id
    where k.id = ${caseId} and k.consortium_id = ${user.consortiumId}`);
  type ContextRow = EvaluationRow & { state: CaseRow['state']; conflict: boolean | null; member: boolean; withdrawn: boolean; proposed: boolean };
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as ContextRow[];
  const found = rows[0];
  if (!found) throw notFound('指定された調達案件が見つかりません。');
  if (!found.caseId) throw notFound('この案件には評価基準が設定されていません。');
  if (!found.member) throw notFound('この案件の評価委員ではありません。');
  if (found.conflict === null) throw new AppError('forbidden', '先に利害関係の有無を申告してください。');
  if (found.conflict) throw new AppError('forbidden', '利害関係があると申告したため、この案件の評価には参加できません。');
  const { conflict: _conflict, member: _member, withdrawn, proposed, state, ...rest } = found;
  const evaluation: EvaluationRow = { ...rest, closedAt: rest.closedAt ? new Date(rest.closedAt) : null, updatedAt: new Date(rest.updatedAt) };
  if (evaluation.closedAt) throw new AppError('evaluation_closed');
  if (state !== 'evaluation') throw new AppError('conflict', '案件が「審査中」のときに採点できます。');
  if (!proposed || withdrawn) throw notFound('指定された提案が見つかりません。');
  return { member: { userId: user.id }, evaluation };
}

/**
 * Saves a draft sheet. In one transaction the row is locked, then: a submitted sheet is 409 sheet_locked;
 * a save against an older version than stored is 409 stale_sheet (two tabs never overwrite each other).
 */
// The rules a save is checked against, per case and evaluator, for a short while: an autosave then
// needs a single statement. The statement itself re-checks everything that could have changed since
// (case state, close, the caller's clearance, the proposal), so a stale copy can never let a write in.
const CONTEXT_FRESH_MS = 2000;
const contextCaches = perDatabase(() => new Map<string, { evaluation: EvaluationRow; userId: string; at: number }>());
const contextCacheOf = (c: Ctx) => contextCaches(c.get('deps').database);

async function cachedScoringContext(c: Ctx, caseId: string, vendorId: string) {
  const cache = contextCacheOf(c);
  const key = `${caseId}\u0000${c.get('user')!.id}\u0000${vendorId}`;
  const hit = cache.get(key);
  if (hit && performance.now() - hit.at < CONTEXT_FRESH_MS) return { member: { userId: hit.userId }, evaluation: hit.evaluation, key };
  const context = await scoringContext(c, caseId, vendorId);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { evaluation: context.evaluation, userId: context.member.userId, at: performance.now() });
  return { ...context, key };
}

/** Saves the caller's draft of the proposal `ref` names (see proposalRef). */
export async function saveSheet(c: Ctx, caseId: string, ref: string, input: z.output<typeof sheetInput>) {
  // the ref is resolved without a query: the alias is decrypted, and whether it had to be one is in the cached rules
  const named = readRef(c, caseId, ref);
  const { member, evaluation, key } = await cachedScoringContext(c, caseId, named.vendorId);
  const vendorId = vendorOfRef(named, evaluation.anonymize);
  const problems = sheetProblems(rulesOf(evaluation), input.scores, false);
  if (problems.length > 0) throw new AppError('validation_error', problems[0]!.message, problems.map((p) => ({ path: `scores.${p.code}`, message: p.message })));
  const db = dbOf(c);
  const user = c.get('user')!;
  const now = nowOf(c);
  const versionCheck = input.version === undefined ? sql`true` : sql`sheets.version = ${input.version}`;
  // a client that saw version n > 0 saves over that sheet, never a new one: a sheet that does not exist
  // is then stale, and the statement stores nothing (no row, no audit entry) rather than answer 409 after
  const firstSaveAllowed =
    input.version === undefined || input.version === 0
      ? sql`true`
      : sql`exists(select 1 from sheets s where s.case_id = ${caseId} and s.evaluator_id = ${member.userId} and s.vendor_id = ${vendorId})`;
  const comment = input.comment === undefined ? sql`sheets.comment` : sql`excluded.comment`;
  // One statement, so atomic on its own: only while the case is being scored, the evaluation open, the
  // caller cleared and the proposal in the competition, insert the sheet or update a draft whose
  // version is the one the client saw, and write its audit entry (that a sheet changed, never its
  // scores). The row lock of the conflict update makes two saves of one sheet queue; the second then
  // finds the version moved on.
  // the statement a committee runs most: prepared once per connection, then only executed
  const rows = await executePrepared<SheetRow>(db, sql`
    with allowed as (
      select 1 from cases k
      join evaluations e on e.case_id = k.id and e.closed_at is null
      join evaluators v on v.case_id = k.id and v.user_id = ${member.userId} and v.conflict = false
      where k.id = ${caseId} and k.consortium_id = ${user.consortiumId} and k.state = 'evaluation'
        and not exists(select 1 from proposals where case_id = ${caseId} and vendor_id = ${vendorId} and withdrawn_at is not null)
        and (exists(select 1 from proposals where case_id = ${caseId} and vendor_id = ${vendorId} and price is not null)
          or exists(select 1 from files where case_id = ${caseId} and vendor_id = ${vendorId} and purpose = 'proposal'))
    ), saved as (
      insert into sheets (case_id, evaluator_id, vendor_id, scores, comment, status, version, updated_at)
      select ${caseId}, ${member.userId}, ${vendorId}, ${JSON.stringify(input.scores)}::jsonb, ${input.comment ?? ''}, 'draft', 1, ${now.toISOString()}::timestamptz
      from allowed where ${firstSaveAllowed}
      on conflict (case_id, evaluator_id, vendor_id) do update
        set scores = excluded.scores, comment = ${comment}, version = sheets.version + 1, updated_at = excluded.updated_at
        where sheets.status = 'draft' and ${versionCheck}
      returning scores, comment, status, version, updated_at as "updatedAt", submitted_at as "submittedAt"
    ), ${auditEntryFrom(
      c.get('deps').keys.audit,
      now,
      { consortiumId: user.consortiumId, actorUserId: user.id, actorRole: user.role, action: 'sheet.save', objectType: 'sheet', objectId: `${member.userId}:${vendorId}`, caseId, details: { vendorId } },
      sql`saved`,
    )}
    select * from saved`);
  const saved = rows[0];
  if (!saved) {
    // say exactly why: a fresh look at the case first (closed, not being scored, no longer cleared …)
    contextCacheOf(c).delete(key);
    await scoringContext(c, caseId, vendorId);
    const [current] = await db.select({ status: sheets.status }).from(sheets).where(and(eq(sheets.caseId, caseId), eq(sheets.evaluatorId, member.userId), eq(sheets.vendorId, vendorId)));
    throw new AppError(current?.status === 'submitted' ? 'sheet_locked' : 'stale_sheet');
  }
  return sheetView(evaluation, { ...saved, updatedAt: new Date(saved.updatedAt), submittedAt: saved.submittedAt ? new Date(saved.submittedAt) : null } as SheetRow);
}

export async function submitSheet(c: Ctx, row: CaseRow, ref: string, input: z.output<typeof submitInput>) {
  const named = readRef(c, row.id, ref);
  const { member, evaluation } = await scoringContext(c, row.id, named.vendorId);
  const vendorId = vendorOfRef(named, evaluation.anonymize);
  return mutate(c, async (tx, audit) => {
    await lockOpenEvaluation(tx, row.id);
    const current = await lockSheet(tx, row.id, member.userId, vendorId);
    if (current?.status === 'submitted') throw new AppError('sheet_locked');
    if (input.version !== undefined && input.version !== (current?.version ?? 0)) throw new AppError('stale_sheet');
    const missing = sheetProblems(rulesOf(evaluation), current?.scores ?? {}, true);
    if (missing.length > 0) throw new AppError('incomplete_sheet', missing[0]!.message, missing.map((p) => ({ path: `scores.${p.code}`, message: p.message })));
    const now = nowOf(c);
    const [saved] = await tx
      .update(sheets)
      .set({ status: 'submitted', submittedAt: now, updatedAt: now, version: current!.version + 1 })
      .where(and(eq(sheets.caseId, row.id), eq(sheets.evaluatorId, member.userId), eq(sheets.vendorId, vendorId)))
      .returning();
    await audit({ action: 'sheet.submit', objectType: 'sheet', objectId: `${member.userId}:${vendorId}`, caseId: row.id, details: { vendorId } });
    return sheetView(evaluation, saved);
  });
}

export interface SheetReturn {
  reason: string;
  at: Date;
}

/**
 * Why the secretariat returned each of an evaluator's sheets (差し戻し), by vendor: the latest return
 * recorded for it. Only a sheet still a draft is "returned"; once resubmitted the reason is history.
 */
export async function sheetReturns(db: Db, consortiumId: string, caseId: string, evaluatorId: string): Promise<Map<string, SheetReturn>> {
  const rows = await db
    .select({ objectId: auditLog.objectId, details: auditLog.details, at: auditLog.at })
    .from(auditLog)
    .where(and(eq(auditLog.consortiumId, consortiumId), eq(auditLog.caseId, caseId), eq(auditLog.action, 'sheet.reopen'), like(auditLog.objectId, `${evaluatorId.replace(/[\\%_]/g, '\\$&')}:%`)))
    .orderBy(asc(auditLog.id));
  const out = new Map<string, SheetReturn>();
  for (const r of rows) {
    const vendorId = (r.objectId ?? '').slice(evaluatorId.length + 1);
    out.set(vendorId, { reason: String(r.details.reason ?? ''), at: r.at });
  }
  return out;
}

/** An evaluator's own sheet of the proposal `ref` names, readable also after the close or outside the scoring period. */
export async function ownSheet(c: Ctx, row: CaseRow, ref: string) {
  const member = await clearedEvaluator(c, row);
  // a sheet shows its proposal (name, price), sealed until the submission deadline
  if (!hasPassed(nowOf(c), row.submissionDeadline)) throw new AppError('not_yet', '提案書は提出期限の後に閲覧できます。');
  const { row: evaluation } = await requireEvaluation(dbOf(c), row.id);
  const vendorId = vendorOfRef(readRef(c, row.id, ref), evaluation.anonymize);
  const vendor = (await evaluatedVendors(dbOf(c), row.id)).find((x) => x.vendorId === vendorId);
  if (!vendor) throw notFound('指定された提案が見つかりません。');
  const [sheet] = await dbOf(c)
    .select()
    .from(sheets)
    .where(and(eq(sheets.caseId, row.id), eq(sheets.evaluatorId, member.userId), eq(sheets.vendorId, vendorId)));
  const returned = sheet?.status === 'draft' ? ((await sheetReturns(dbOf(c), row.consortiumId, row.id, member.userId)).get(vendorId) ?? null) : null;
  return { evaluation, vendor, sheet: sheetView(evaluation, sheet), returned };
}

/** 差し戻し: the secretariat returns a submitted sheet to its evaluator as a draft, with a recorded reason. */
export async function reopenSheet(c: Ctx, row: CaseRow, vendorId: string, input: z.output<typeof reopenInput>) {
  return mutate(c, async (tx, audit) => {
    await lockOpenEvaluation(tx, row.id);
    const current = await lockSheet(tx, row.id, input.evaluatorId, vendorId);
    if (!current) throw notFound('指定された採点票が見つかりません。');
    if (current.status !== 'submitted') throw new AppError('conflict', '提出されていない採点票は差し戻せません。');
    await tx
      .update(sheets)
      .set({ status: 'draft', submittedAt: null, version: current.version + 1, updatedAt: nowOf(c) })
      .where(and(eq(sheets.caseId, row.id), eq(sheets.evaluatorId, input.evaluatorId), eq(sheets.vendorId, vendorId)));
    await audit({ action: 'sheet.reopen', objectType: 'sheet', objectId: `${input.evaluatorId}:${vendorId}`, caseId: row.id, details: { vendorId, evaluatorId: input.evaluatorId, reason: input.reason } });
    await notify(c.get('deps'), tx, { kind: 'sheet_returned', caseId: row.id, userId: input.evaluatorId, reason: input.reason });
    return { status: 'draft' as const };
  });
}

/** Who has submitted how many sheets: counts only, never scores. */
export async function evaluationProgress(db: Db, caseId: string) {
  const { committee } = await requireEvaluation(db, caseId);
  const vendorsToScore = await evaluatedVendors(db, caseId);
  const people = committee.length
    ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, committee.map((e) => e.userId)))
    : [];
  const submitted = await db
    .select({ evaluatorId: sheets.evaluatorId, vendorId: sheets.vendorId })
    .from(sheets)
    .where(and(eq(sheets.caseId, caseId), eq(sheets.status, 'submitted')));
  const scoring = new Set(vendorsToScore.map((v) => v.vendorId));
  return committee
    .map((e) => ({
      userId: e.userId,
      name: people.find((p) => p.id === e.userId)?.name ?? '',
      declared: e.conflict !== null,
      conflict: e.conflict === true,
      submitted: submitted.filter((s) => s.evaluatorId === e.userId && scoring.has(s.vendorId)).length,
      total: e.conflict === true ? 0 : vendorsToScore.length,
    }))
    .sort((a, b) => compareNames(a.name, b.name));
}

export async function closeEvaluation(c: Ctx, row: CaseRow) {
  return mutate(c, async (tx, audit) => {
    await lockOpenEvaluation(tx, row.id);
    const progress = await evaluationProgress(tx, row.id);
    const eligible = progress.filter((p) => !p.conflict);
    const outstanding = eligible.filter((p) => !p.declared || p.submitted < p.total);
    if (eligible.length === 0) throw new AppError('sheets_outstanding', '利害関係のない評価委員がいないため、評価を締め切れません。');
    if (outstanding.length > 0) {
      throw new AppError('sheets_outstanding', undefined, outstanding.map((p) => ({ userId: p.userId, name: p.name, submitted: p.submitted, total: p.total, declared: p.declared })));
    }
    const [closed] = await tx.update(evaluations).set({ closedAt: nowOf(c) }).where(eq(evaluations.caseId, row.id)).returning();
    const results = await computeResults(tx, row.id, closed!);
    await audit({
      action: 'evaluation.close',
      objectType: 'evaluation',
      objectId: row.id,
      caseId: row.id,
      details: { preferred: results.preferred, runnerUp: results.runnerUp, ranking: results.ranking.map((r) => ({ vendorId: r.vendorId, rank: r.rank, total: r.total, passed: r.passed })) },
    });
    return closed!;
  });
}

interface ResultsInputs {
  counted: string[] | null;
  priced: { vendorId: string; price: number | null; updatedAt: string; withdrawn: boolean }[] | null;
  firstFiles: { vendorId: string; receivedAt: string }[] | null;
  names: { id: string; name: string }[] | null;
  submitted: { evaluatorId: string; vendorId: string; scores: Record<string, SheetScore> }[] | null;
}

/** Everything the ranking needs, in one round trip: the cleared committee, the proposals and the submitted sheets. */
async function resultsInputs(db: Db, caseId: string, withSheets: boolean): Promise<ResultsInputs> {
  const submittedSheets = withSheets
    ? sql`(select json_agg(json_build_object('evaluatorId', evaluator_id, 'vendorId', vendor_id, 'scores', scores)) from sheets where case_id = ${caseId} and status = 'submitted')`
    : sql`null`;
  const result = await db.execute(sql`
    select
      (select json_agg(user_id order by user_id) from evaluators where case_id = ${caseId} and conflict = false) as counted,
      (select json_agg(json_build_object('vendorId', vendor_id, 'price', price, 'updatedAt', updated_at, 'withdrawn', withdrawn_at is not null))
         from proposals where case_id = ${caseId}) as priced,
      (select json_agg(json_build_object('vendorId', vendor_id, 'receivedAt', first))
         from (select vendor_id, min(received_at) as first from files where case_id = ${caseId} and purpose = 'proposal' group by vendor_id) f) as "firstFiles",
      (select json_agg(json_build_object('id', v.id, 'name', v.name)) from vendors v join cases c on c.consortium_id = v.consortium_id where c.id = ${caseId}) as names,
      ${submittedSheets} as submitted
  `);
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as Record<string, unknown>[];
  const row = rows[0] ?? {};
  // one driver hands json back parsed, the other as text
  const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  return {
    counted: parse(row.counted),
    priced: parse(row.priced),
    firstFiles: parse(row.firstFiles),
    names: parse(row.names),
    submitted: parse(row.submitted),
  };
}

/** Lettered proposals from the rows of `resultsInputs`, in the order `evaluatedVendors` gives. */
function vendorsFrom(inputs: ResultsInputs): EvaluatedVendor[] {
  const first = new Map<string, number>();
  const note = (vendorId: string, at: string) => first.set(vendorId, Math.min(first.get(vendorId) ?? Infinity, new Date(at).getTime()));
  for (const f of inputs.firstFiles ?? []) note(f.vendorId, f.receivedAt);
  for (const p of inputs.priced ?? []) if (p.price !== null) note(p.vendorId, p.updatedAt);
  const withdrawn = new Set((inputs.priced ?? []).filter((p) => p.withdrawn).map((p) => p.vendorId));
  return [...first.keys()]
    .filter((id) => !withdrawn.has(id))
    .sort((a, b) => first.get(a)! - first.get(b)! || a.localeCompare(b))
    .map((vendorId, i) => ({
      vendorId,
      vendorName: inputs.names?.find((n) => n.id === vendorId)?.name ?? '',
      label: labelOf(i),
      price: (inputs.priced ?? []).find((p) => p.vendorId === vendorId)?.price ?? null,
    }));
}

/** The ranking from the submitted sheets of the cleared committee: one query, then the pure rules. */
export async function computeResults(db: Db, caseId: string, evaluation: EvaluationRow): Promise<Ranking & { vendors: EvaluatedVendor[] }> {
  const inputs = await resultsInputs(db, caseId, true);
  const vendorsToScore = vendorsFrom(inputs);
  const ranking = rankProposals(
    rulesOf(evaluation),
    vendorsToScore.map((v) => ({ vendorId: v.vendorId, vendorName: v.vendorName, price: v.price === null ? null : Number(v.price) })),
    inputs.submitted ?? [],
    inputs.counted ?? [],
  );
  return { ...ranking, vendors: vendorsToScore };
}

/**
 * Proposals as the calling evaluator may see them, each with its ref, its label and the state of the
 * caller's own sheet. Anonymised: the label is the letter, the files are renamed after it, and neither the
 * vendor's id nor its name is in the list; otherwise the ref is the vendor id and the label its name.
 */
export async function proposalsForEvaluator(c: Ctx, caseId: string, evaluation: EvaluationRow) {
  const db = dbOf(c);
  const anonymize = evaluation.anonymize;
  const list = await evaluatedVendors(db, caseId);
  const received = await db
    .select()
    .from(files)
    .where(and(eq(files.caseId, caseId), eq(files.purpose, 'proposal')))
    .orderBy(asc(files.receivedAt));
  const mine = await db
    .select({ vendorId: sheets.vendorId, status: sheets.status })
    .from(sheets)
    .where(and(eq(sheets.caseId, caseId), eq(sheets.evaluatorId, c.get('user')!.id)));
  const returns = mine.some((s) => s.status === 'draft') ? await sheetReturns(db, c.get('user')!.consortiumId ?? '', caseId, c.get('user')!.id) : new Map<string, SheetReturn>();
  return list.map((v) => ({
    ref: proposalRef(c, caseId, v.vendorId, anonymize),
    label: shownName(v, anonymize),
    ...(anonymize ? {} : { vendorId: v.vendorId, vendorName: v.vendorName }),
    price: v.price,
    withdrawn: false,
    sheetStatus: mine.find((s) => s.vendorId === v.vendorId)?.status ?? null,
    returned: mine.find((s) => s.vendorId === v.vendorId)?.status === 'draft' ? (returns.get(v.vendorId) ?? null) : null,
    files: received.filter((f) => f.vendorId === v.vendorId).map((f, i) => ({ ...fileView(f), name: shownFileName(f.name, v, i, anonymize) })),
  }));
}
