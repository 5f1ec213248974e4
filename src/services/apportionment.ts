import { fiscalYearInput } from '../http/inputs.ts';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type StoredApportionmentRule, type StoredYearShares, awards, caseYears, cases } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import {
  type Apportionment,
  type ApportionedMember,
  type ApportionmentMethod,
  type ApportionmentRule,
  RATIO_SCALE,
  apportion,
  isPricedRule,
  memberKinds,
  takesPartIn,
} from '../domain/apportionment.ts';
import { withTax } from '../domain/bidding.ts';
import { sharesWithTax } from '../domain/contracts.ts';
import { Fraction } from '../domain/fraction.ts';
import { AppError, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { listParticipation } from './participation.ts';
import { type CaseYearRow, caseYearsOf, firstOpenYear, isClosedYear } from './years.ts';

const yen = z.number().int({ message: '金額は円単位の整数にしてください' }).min(0, { message: '金額は0以上にしてください' }).max(1_000_000_000_000);
const ratio = z.number().min(0).max(1);

const volumePricingInput = z
  .strictObject({
    basis: z.enum(['births', 'population'], { message: '数量の基準は births（出生数）か population（人口）にしてください' }),
    unitPrice: yen.optional(),
    tiers: z
      .array(z.strictObject({ upTo: z.number().int().min(0).max(1_000_000_000).nullable(), amount: yen }))
      .min(1)
      .max(100)
      .optional(),
  })
  .refine((v) => (v.unitPrice === undefined) !== (v.tiers === undefined), { message: '単価（unitPrice）か価格表（tiers）のどちらか一方を指定してください' })
  .refine((v) => !v.tiers || v.tiers.every((t, i, all) => i === 0 || (all[i - 1]!.upTo !== null && (t.upTo === null || t.upTo > all[i - 1]!.upTo!))), {
    message: '価格表は上限の小さい順に並べ、上限なし（null）は最後の区分だけにしてください',
  });

/** The fiscal year a rule takes effect from (later years keep it until another is set). */
const yearField = fiscalYearInput.optional();
const totalFields = { total: yen.optional(), volumePricing: volumePricingInput.optional(), fiscalYear: yearField };

export const apportionmentInput = z
  .discriminatedUnion('method', [
    z.strictObject({ method: z.literal('equal'), ...totalFields }),
    z.strictObject({ method: z.literal('population'), ...totalFields }),
    z.strictObject({ method: z.literal('births'), ...totalFields }),
    z.strictObject({ method: z.literal('tier'), fiscalYear: yearField, tierPrices: z.partialRecord(z.enum(memberKinds), yen).refine((t) => Object.keys(t).length > 0, { message: '区分別の金額を1つ以上指定してください' }) }),
    z.strictObject({
      method: z.literal('mixed'),
      ...totalFields,
      ratios: z
        .strictObject({ equal: ratio.default(0), population: ratio.default(0), births: ratio.default(0) })
        .refine((r) => Math.round(r.equal * RATIO_SCALE) + Math.round(r.population * RATIO_SCALE) + Math.round(r.births * RATIO_SCALE) === RATIO_SCALE, {
          message: '割合の合計を1にしてください（例: 均等割 0.3、人口割 0.7）',
        }),
    }),
    z.strictObject({ method: z.literal('none'), fiscalYear: yearField }),
  ])
  .superRefine((v, ctx) => {
    if ('total' in v || 'volumePricing' in v || v.method === 'equal' || v.method === 'population' || v.method === 'births' || v.method === 'mixed') {
      const withTotal = v as { total?: number; volumePricing?: unknown };
      if (withTotal.total === undefined && withTotal.volumePricing === undefined) {
        ctx.addIssue({ code: 'custom', path: ['total'], message: '総額か、数量に応じた価格（単価または価格表）を入力してください' });
      }
    }
  });

export function toStoredRule(input: z.output<typeof apportionmentInput>): StoredApportionmentRule {
  const { fiscalYear: _year, ...rule } = input;
  if (rule.method === 'none' || rule.method === 'tier') return rule as StoredApportionmentRule;
  const volume = rule.volumePricing ? { volumePricing: rule.volumePricing } : {};
  if (rule.method !== 'mixed') return { method: rule.method, total: rule.total ?? 0, ...volume };
  return {
    method: 'mixed',
    total: rule.total ?? 0,
    ratios: {
      equal: Math.round(rule.ratios.equal * RATIO_SCALE),
      population: Math.round(rule.ratios.population * RATIO_SCALE),
      births: Math.round(rule.ratios.births * RATIO_SCALE),
    },
    ...volume,
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

/** The rule in force in `fiscalYear`: the latest set for that year or an earlier one, else the case's own. */
function ruleInForce(row: CaseRow, years: readonly CaseYearRow[], fiscalYear: number): { rule: StoredApportionmentRule | null; fromYear: number } {
  const set = years.filter((y) => y.rule !== null && y.fiscalYear <= fiscalYear).at(-1);
  return set ? { rule: set.rule, fromYear: set.fiscalYear } : { rule: row.apportionment, fromYear: row.fiscalYear };
}

/**
 * Saves an apportionment rule and answers the shares it gives. With `fiscalYear` (and, after the award,
 * by default from the first year not closed) the rule takes effect from that year, leaving earlier
 * years as they were; a closed year → 409 year_closed. A rule the data cannot carry is not saved.
 */
export async function setApportionment(c: Ctx, caseId: string, input: z.output<typeof apportionmentInput>) {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, me.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    if (row.state === 'cancelled') throw new AppError('conflict', '中止された案件の按分は変更できません。');
    const years = await caseYearsOf(tx, caseId);
    const fiscalYear = input.fiscalYear ?? (row.state === 'awarded' ? firstOpenYear(row, years) : row.fiscalYear);
    if (fiscalYear < row.fiscalYear) {
      throw new AppError('validation_error', `案件の年度（${row.fiscalYear}年度）より前の年度は指定できません。`, [{ path: 'fiscalYear', message: '案件の年度以降にしてください' }]);
    }
    if (isClosedYear(years, fiscalYear)) throw new AppError('year_closed', `${fiscalYear}年度の負担額は確定済みのため、按分方法を変更できません。翌年度以降を指定してください。`, { fiscalYear });
    const rule = toStoredRule(input);
    let saved = row;
    if (fiscalYear === row.fiscalYear) {
      [saved] = (await tx.update(cases).set({ apportionment: rule, updatedAt: nowOf(c) }).where(eq(cases.id, caseId)).returning()) as [CaseRow];
    } else {
      await tx.insert(caseYears).values({ caseId, fiscalYear, rule }).onConflictDoUpdate({ target: [caseYears.caseId, caseYears.fiscalYear], set: { rule } });
    }
    const body = apportionmentBody(await computeApportionment(tx, saved, { with: [], without: [] }, fiscalYear));
    await audit({ action: 'apportionment.set', objectType: 'case', objectId: caseId, caseId, details: { rule, fiscalYear } });
    return body;
  });
}

export interface WhatIf {
  with: string[];
  without: string[];
}

const noWhatIf: WhatIf = { with: [], without: [] };

/** The award's fiscal year and tax rate, read once for a computation (no award: none, and 10%). */
async function awardTerms(db: Db, row: CaseRow): Promise<{ fiscalYear: number | null; taxRate: string }> {
  const [award] = await db.select({ fiscalYear: awards.fiscalYear, taxRate: awards.taxRate }).from(awards).where(eq(awards.caseId, row.id));
  return { fiscalYear: award?.fiscalYear ?? null, taxRate: award?.taxRate ?? '0.1' };
}

/** The award's base total (the awarded amount less the award year's option charges), when a fixed-total rule shares it. */
function awardedBase(award: { fiscalYear: number | null }, years: readonly CaseYearRow[]): number | undefined {
  const issued = award.fiscalYear ? years.find((y) => y.fiscalYear === award.fiscalYear)?.shares : undefined;
  return issued && issued.shares.length > 0 ? issued.total : undefined;
}

/**
 * The apportionment of one fiscal year (default: the case's first). A closed year answers its frozen
 * shares. Otherwise: the participants of that year, the rule in force, that year's data (births of
 * Y−2); where the award fixed the amount, the base shared is the awarded one. `whatIf` previews members
 * joining or leaving, without saving anything.
 */
export async function computeApportionment(
  db: Db,
  row: CaseRow,
  whatIf: WhatIf = noWhatIf,
  fiscalYear: number = row.fiscalYear,
  /**
   * baseTotal: the base to share instead of the rule's; live: a closed year computed afresh (for an
   * amendment), with `members` (and their options) in place of the record's participants
   */
  { baseTotal, live = false, members }: { baseTotal?: number; live?: boolean; members?: { memberId: string; options: Record<string, boolean | number> }[] } = {},
) {
  const years = await caseYearsOf(db, row.id);
  const award = await awardTerms(db, row);
  const preview = whatIf.with.length + whatIf.without.length > 0;
  const closed = years.find((y) => y.fiscalYear === fiscalYear && y.closedAt !== null);
  const { rule, fromYear } = ruleInForce(row, years, fiscalYear);
  if (closed?.shares && preview && !live) {
    throw new AppError('year_closed', `${fiscalYear}年度の負担額は確定済みのため、参加・脱退の試算はできません。確定していない年度を指定してください。`, { fiscalYear });
  }
  if (closed?.shares && !live) {
    const frozen: Apportionment = { ok: true, method: (closed.shares.method ?? 'none') as ApportionmentMethod, total: closed.shares.total, sum: closed.shares.sum, optionTotal: closed.shares.optionTotal, shares: closed.shares.method === 'none' ? [] : closed.shares.shares.map(({ options: _o, joinedAt: _j, lateJoin: _l, ...s }) => s), ...(closed.shares.volume ? { volume: closed.shares.volume } : {}) };
    return { rule, result: frozen, preview, fiscalYear, closed: true, frozen: closed.shares, taxRate: award.taxRate, contractMode: row.contractMode };
  }
  const all = await listParticipation(db, row.consortiumId, row.id);
  const unknown = [...whatIf.with, ...whatIf.without].filter((id) => !all.some((p) => p.member.id === id));
  if (unknown.length > 0) throw new AppError('validation_error', '指定された参加団体が見つかりません。', unknown.map((id) => ({ path: 'with/without', message: id })));
  const named = members ? new Map(members.map((m) => [m.memberId, m.options])) : null;
  const included = all.filter(({ member, participant }) => {
    if (named) return named.has(member.id);
    if (whatIf.without.includes(member.id)) return false;
    if (whatIf.with.includes(member.id)) return true;
    // a member that left at a year end still belongs to the years up to it
    const taking = participant?.participating === true || (participant !== null && participant.untilFiscalYear !== null);
    return taking && takesPartIn(participant!, row.fiscalYear, fiscalYear);
  });
  const people: ApportionedMember[] = included.map(({ member, participant }) => ({
    id: member.id,
    name: member.name,
    kind: member.kind,
    code: member.code,
    population: member.population,
    births: member.births,
    options: named?.get(member.id) ?? participant?.options ?? {},
  }));
  // a fixed total under the case's own rule is, once awarded, the awarded base
  const base = baseTotal ?? (rule && !isPricedRule(rule as ApportionmentRule) && fromYear === row.fiscalYear ? awardedBase(award, years) : undefined);
  const result: Apportionment = rule
    ? apportion(rule as ApportionmentRule, people, row.options, fiscalYear, base)
    : { ok: true, method: 'none', total: 0, sum: 0, optionTotal: 0, shares: [] };
  const optionsOf = new Map(people.map((p) => [p.id, p.options]));
  const joinedOf = new Map(included.map(({ member, participant }) => [member.id, { joinedAt: participant?.joinedAt ?? null, lateJoin: participant?.lateJoin ?? false }]));
  return { rule, result, preview, fiscalYear, closed: false, participantCount: included.length, taking: people.map((p) => ({ memberId: p.id, memberName: p.name })), optionsOf, joinedOf, taxRate: award.taxRate, contractMode: row.contractMode };
}


/** The shares as they are frozen into a closed year: each with the options it was charged for. */
export function yearSnapshot(computed: Awaited<ReturnType<typeof computeApportionment>>): StoredYearShares {
  const { result } = computed;
  if (!result.ok) throw new AppError('apportionment_incomplete', result.reason, { members: result.members ?? [] });
  if ('frozen' in computed && computed.frozen) return computed.frozen;
  const optionsOf = 'optionsOf' in computed ? computed.optionsOf : new Map<string, Record<string, boolean | number>>();
  const joined = (memberId: string) => ('joinedOf' in computed ? computed.joinedOf.get(memberId) : {});
  // 按分なし: who takes part and with which options, without amounts (each body agrees its own price)
  const shares =
    result.method === 'none' && 'taking' in computed
      ? computed.taking.map((m) => ({ ...m, base: 0, optionCharges: 0, amount: 0, options: optionsOf?.get(m.memberId) ?? {}, ...joined(m.memberId) }))
      : result.shares.map((s) => ({ ...s, options: optionsOf?.get(s.memberId) ?? {}, ...joined(s.memberId) }));
  return {
    method: result.method,
    total: result.total,
    sum: result.sum,
    optionTotal: result.optionTotal,
    shares,
    ...(result.volume ? { volume: result.volume } : {}),
  };
}

export function apportionmentBody(computed: Awaited<ReturnType<typeof computeApportionment>>) {
  const { rule, result, preview, fiscalYear, closed, taxRate, contractMode } = computed;
  if (!result.ok) throw new AppError('apportionment_incomplete', result.reason, { members: result.members ?? [] });
  const rate = Fraction.decimal(taxRate);
  // as the contracts are taxed: one bulk contract shared out to the yen, or each member's own contract rounded down
  const taxed =
    contractMode === 'individual'
      ? result.shares.map((s) => withTax(s.amount, rate))
      : sharesWithTax(result.shares.map((s) => s.amount), withTax(result.sum, rate));
  const sumWithTax = taxed.reduce((a, b) => a + b, 0);
  return {
    fiscalYear,
    closed,
    method: rule?.method ?? null,
    rule: rule ? ruleView(rule) : null,
    total: result.total,
    sum: result.sum,
    sumWithTax,
    optionTotal: result.optionTotal,
    taxRate: Number(taxRate),
    ...(result.volume ? { volume: result.volume } : {}),
    shares: result.shares.map((s, i) => ({ ...s, amountWithTax: taxed[i]! })),
    ...(preview ? { preview: true } : {}),
  };
}
