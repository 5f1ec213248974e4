import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { members, specComments, specVersions } from '../../schema/index.ts';
import { type Ctx, type SessionUser, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, holdCase } from '../db/cases.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { distinctBy } from '../http/inputs.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';
import { specChanges } from '../domain/addenda.ts';
import { requirementPlace } from '../domain/spec-diff.ts';
import { addendumReason, addendumReasonFor, recordAddendum, specTermsOf } from './addenda.ts';

export const specInput = z.strictObject({
  sections: z
    .array(z.strictObject({ heading: z.string().trim().min(1, { message: '見出しを入力してください' }).max(200), body: z.string().max(50_000) }))
    .min(1, { message: '章を1つ以上指定してください' })
    .max(200)
    .superRefine(distinctBy('heading', '見出し', (n) => `第${n}章`)),
  requirements: z
    .array(
      z.strictObject({
        code: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,40}$/, { message: '要件番号は英数字・-・_・. の40文字以内にしてください' }),
        text: z.string().trim().min(1).max(2000),
        level: z.enum(['must', 'want']),
      }),
    )
    .max(1000)
    .superRefine(distinctBy('code', '要件番号'))
    .default([]),
  /** 変更理由: required once the case is published and the spec changes */
  reason: addendumReason.optional(),
});

export const commentInput = z.strictObject({
  section: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1, { message: '意見を入力してください' }).max(5000),
});

export const answerInput = z.strictObject({
  response: z.string().trim().min(1, { message: '回答を入力してください' }).max(5000),
  reflected: z.boolean(),
});

export type SpecVersionRow = typeof specVersions.$inferSelect;

export async function currentSpec(db: Db, caseId: string): Promise<SpecVersionRow | undefined> {
  const [row] = await db.select().from(specVersions).where(eq(specVersions.caseId, caseId)).orderBy(desc(specVersions.version)).limit(1);
  return row;
}

export async function specVersionsOf(db: Db, caseId: string) {
  return db.select().from(specVersions).where(eq(specVersions.caseId, caseId)).orderBy(asc(specVersions.version));
}

/** One saved version of the case's spec. */
export async function specVersionOf(db: Db, caseId: string, version: number): Promise<SpecVersionRow | undefined> {
  const [row] = await db.select().from(specVersions).where(and(eq(specVersions.caseId, caseId), eq(specVersions.version, version)));
  return row;
}

/**
 * Whether a vendor or an evaluator may read the spec: once the case is published as a notice (公告);
 * before it, the spec is a draft the secretariat and the members work on.
 */
export const specPublishedTo = (row: Pick<CaseRow, 'state'>): boolean => row.state === 'open' || row.state === 'evaluation' || row.state === 'awarded';

export function specView(row: SpecVersionRow) {
  return { version: row.version, sections: row.sections, requirements: row.requirements, createdAt: row.createdAt.toISOString() };
}

/** Saves the spec as a new version; earlier versions stay as they were. */
export async function saveSpec(c: Ctx, row: CaseRow, input: z.output<typeof specInput>) {
  return mutate(c, async (tx, audit) => {
    const current = await holdCase(tx, row);
    if (current.state === 'cancelled' || current.state === 'awarded') throw new AppError('conflict', 'この案件の仕様書は変更できません。');
    const [latest] = await tx.select().from(specVersions).where(eq(specVersions.caseId, row.id)).orderBy(desc(specVersions.version)).limit(1).for('update');
    const version = (latest?.version ?? 0) + 1;
    const announced = specChanges(latest ? specTermsOf(latest) : null, { version, sections: input.sections, requirements: input.requirements });
    const announceWith = addendumReasonFor(current, announced, input.reason);
    const [saved] = await tx
      .insert(specVersions)
      .values({ caseId: row.id, version, sections: input.sections, requirements: input.requirements, createdAt: nowOf(c), createdBy: c.get('user')!.id })
      .returning();
    await audit({ action: 'spec.version', objectType: 'spec', objectId: `${row.id}:${version}`, caseId: row.id, details: { version, sections: input.sections.length, requirements: input.requirements.length } });
    await recordAddendum(c, tx, audit, current, announceWith, announced);
    return saved!;
  });
}

/** A member comments on the current draft while the opinion inquiry (意見照会) is open. */
export async function addComment(c: Ctx, row: CaseRow, user: SessionUser, input: z.output<typeof commentInput>) {
  if (user.role !== 'member' || !user.memberId) throw forbidden('意見は参加団体の利用者が提出します。');
  return mutate(c, async (tx, audit) => {
    if ((await holdCase(tx, row)).state !== 'spec_review') throw new AppError('conflict', '意見照会の期間ではないため、意見を提出できません。');
    const spec = await currentSpec(tx, row.id);
    if (!spec) throw notFound('この案件にはまだ仕様書案がありません。');
    // the place commented on: a chapter by its heading, or a requirement by its number (機能要件 F-01)
    if (!spec.sections.some((s) => s.heading === input.section) && !spec.requirements.some((r) => requirementPlace(r.code) === input.section)) {
      throw new AppError('validation_error', '現在の仕様書案にない章・要件です。', [{ path: 'section', message: `「${input.section}」は現在の仕様書案にありません` }]);
    }
    const [saved] = await tx
      .insert(specComments)
      .values({ id: newId(), caseId: row.id, version: spec.version, memberId: user.memberId!, userId: user.id, section: input.section, text: input.text, createdAt: nowOf(c) })
      .returning();
    await audit({ action: 'spec.comment', objectType: 'spec_comment', objectId: saved!.id, caseId: row.id, details: { version: spec.version, section: input.section } });
    return saved!;
  });
}

export async function answerComment(c: Ctx, row: CaseRow, commentId: string, input: z.output<typeof answerInput>) {
  return mutate(c, async (tx, audit) => {
    const [found] = await tx.select().from(specComments).where(and(eq(specComments.caseId, row.id), eq(specComments.id, commentId))).for('update');
    if (!found) throw notFound('指定された意見が見つかりません。');
    const [saved] = await tx
      .update(specComments)
      .set({ response: input.response, reflected: input.reflected, respondedAt: nowOf(c), respondedBy: c.get('user')!.id })
      .where(eq(specComments.id, commentId))
      .returning();
    await audit({ action: 'spec.answer', objectType: 'spec_comment', objectId: commentId, caseId: row.id, details: { reflected: input.reflected } });
    return saved!;
  });
}

/** The case's comments with their members' names, oldest first; only the one named when `commentId` is given. */
export async function commentsOf(db: Db, caseId: string, commentId?: string) {
  return db
    .select({ comment: specComments, memberName: members.name })
    .from(specComments)
    .innerJoin(members, eq(members.id, specComments.memberId))
    .where(and(eq(specComments.caseId, caseId), commentId === undefined ? undefined : eq(specComments.id, commentId)))
    .orderBy(asc(specComments.createdAt));
}

export async function hasComments(db: Db, caseId: string): Promise<boolean> {
  const [one] = await db.select({ id: specComments.id }).from(specComments).where(eq(specComments.caseId, caseId)).limit(1);
  return one !== undefined;
}

export function commentView(row: { comment: typeof specComments.$inferSelect; memberName: string }) {
  const c = row.comment;
  return {
    id: c.id,
    version: c.version,
    section: c.section,
    text: c.text,
    memberId: c.memberId,
    memberName: row.memberName,
    createdAt: c.createdAt.toISOString(),
    response: c.response,
    reflected: c.reflected,
    respondedAt: c.respondedAt?.toISOString() ?? null,
  };
}
