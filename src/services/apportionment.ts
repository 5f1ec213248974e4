import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type StoredApportionmentRule, cases } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import {
  type Apportionment,
  type ApportionedMember,
  type ApportionmentRule,
  RATIO_SCALE,
  apportion,
  memberKinds,
} from '../domain/apportionment.ts';
import { AppError, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { listParticipation } from './participation.ts';

const yen = z.number().int({ message: '金額は円単位の整数にしてください' }).min(0, { message: '金額は0以上にしてください' }).max(1_000_000_000_000);
const ratio = z.number().min(0).max(1);

export const apportionmentInput = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('equal'), total: yen }),
  z.strictObject({ method: z.literal('population'), total: yen }),
  z.strictObject({ method: z.literal('births'), total: yen }),
  z.strictObject({ method: z.literal('tier'), tierPrices: z.partialRecord(z.enum(memberKinds), yen).refine((t) => Object.keys(t).length > 0, { message: '区分別の金額を1つ以上指定してください' }) }),
  z.strictObject({
    method: z.literal('mixed'),
    total: yen,
    ratios: z
      .strictObject({ equal: ratio.default(0), population: ratio.default(0), births: ratio.default(0) })
      .refine((r) => Math.round(r.equal * RATIO_SCALE) + Math.round(r.population * RATIO_SCALE) + Math.round(r.births * RATIO_SCALE) === RATIO_SCALE, {
        message: '割合の合計を1にしてください（例: 均等割 0.3、人口割 0.7）',
      }),
  }),
  z.strictObject({ method: z.literal('none') }),
]);

export function toStoredRule(input: z.output<typeof apportionmentInput>): StoredApportionmentRule {
  if (input.method !== 'mixed') return input as StoredApportionmentRule;
  return {
    method: 'mixed',
    total: input.total,
    ratios: {
      equal: Math.round(input.ratios.equal * RATIO_SCALE),
      population: Math.round(input.ratios.population * RATIO_SCALE),
      births: Math.round(input.ratios.births * RATIO_SCALE),
    },
  };
}

/** The rule as the API shows it: ratios as fractions again. */
export function ruleView(rule: StoredApportionmentRule) {
  if (rule.method !== 'mixed') return rule;
  return {
    ...rule,
    ratios: {
      equal: rule.ratios.equal / RATIO_SCALE,
      population: rule.ratios.population / RATIO_SCALE,
      births: rule.ratios.births / RATIO_SCALE,
    },
  };
}

/**
 * Saves the case's apportionment rule and answers the shares it gives. A rule the participants' data
 * cannot carry yet (409 apportionment_incomplete) is not saved.
 */
export async function setApportionment(c: Ctx, caseId: string, input: z.output<typeof apportionmentInput>) {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, me.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    if (row.state === 'cancelled') throw new AppError('conflict', '中止された案件の按分は変更できません。');
    const rule = toStoredRule(input);
    const [saved] = await tx.update(cases).set({ apportionment: rule, updatedAt: nowOf(c) }).where(eq(cases.id, caseId)).returning();
    const body = apportionmentBody(await computeApportionment(tx, saved!));
    await audit({ action: 'apportionment.set', objectType: 'case', objectId: caseId, caseId, details: { rule } });
    return body;
  });
}

export interface WhatIf {
  with: string[];
  without: string[];
}

/**
 * The apportionment over the current participants; `whatIf` previews members joining (with their saved
 * option choices, if any) or leaving, without saving anything.
 */
export async function computeApportionment(db: Db, row: CaseRow, whatIf: WhatIf = { with: [], without: [] }) {
  const all = await listParticipation(db, row.consortiumId, row.id);
  const unknown = [...whatIf.with, ...whatIf.without].filter((id) => !all.some((p) => p.member.id === id));
  if (unknown.length > 0) throw new AppError('validation_error', '指定された参加団体が見つかりません。', unknown.map((id) => ({ path: 'with/without', message: id })));
  const included = all.filter(({ member, participant }) =>
    whatIf.without.includes(member.id) ? false : whatIf.with.includes(member.id) || participant?.participating === true,
  );
  const people: ApportionedMember[] = included.map(({ member, participant }) => ({
    id: member.id,
    name: member.name,
    kind: member.kind,
    code: member.code,
    population: member.population,
    births: member.births,
    options: participant?.participating ? participant.options : {},
  }));
  const rule = row.apportionment;
  const result: Apportionment = rule
    ? apportion(rule as ApportionmentRule, people, row.options, row.fiscalYear)
    : { ok: true, method: 'none', total: 0, sum: 0, optionTotal: 0, shares: [] };
  return { rule, result, preview: whatIf.with.length + whatIf.without.length > 0 };
}

export function apportionmentBody(computed: Awaited<ReturnType<typeof computeApportionment>>) {
  const { rule, result, preview } = computed;
  if (!result.ok) throw new AppError('apportionment_incomplete', result.reason, { members: result.members ?? [] });
  return {
    method: rule?.method ?? null,
    rule: rule ? ruleView(rule) : null,
    total: result.total,
    sum: result.sum,
    optionTotal: result.optionTotal,
    shares: result.shares,
    ...(preview ? { preview: true } : {}),
  };
}
