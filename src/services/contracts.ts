import { fiscalYearParam } from '../http/inputs.ts';
import { isDeepStrictEqual } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type StoredYearShares, caseYears, cases } from '../../schema/index.ts';
import { requireConsortiumRole } from '../auth/session.ts';
import { type Ctx, type SessionUser, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, lockCase } from '../db/cases.ts';
import { findMember } from '../db/tenancy.ts';
import { type Contract, contractsOf, savingsOf } from '../domain/contracts.ts';
import { Fraction } from '../domain/fraction.ts';
import { AppError, notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';
import { apportionmentBody, computeApportionment, yearSnapshot } from './apportionment.ts';
import { findAward } from './award.ts';
import { listParticipation, participationInput } from './participation.ts';
import { caseYearsOf, contractParty, firstOpenYear, isClosedYear } from './years.ts';

export const yearQuery = z.object({ fiscalYear: fiscalYearParam.optional() });
export const contractPartyInput = z.strictObject({ memberId: z.string().max(64).nullable() });

async function requireAward(db: Db, row: CaseRow) {
  const award = await findAward(db, row.id);
  if (!award) throw new AppError('no_award', '決定（落札者・契約候補者・契約の相手方）が記録されていないため、契約はまだありません。');
  return award;
}

type Computed = Awaited<ReturnType<typeof computeApportionment>>;

/**
 * The contracts of one fiscal year (default: the award year) with the vendor: a member's users see
 * only their own contract, or only their own 負担金 in the bulk contract. `computed`: the year's
 * apportionment when the caller already has it.
 */
export async function contractsFor(db: Db, user: SessionUser, row: CaseRow, fiscalYear?: number, computed?: Computed) {
  const { award, vendorName } = await requireAward(db, row);
  const year = fiscalYear ?? award.fiscalYear ?? row.fiscalYear;
  if (year < row.fiscalYear) throw new AppError('validation_error', `案件の年度（${row.fiscalYear}年度）より前の年度の契約はありません。`, [{ path: 'fiscalYear', message: '案件の年度以降にしてください' }]);
  const yearShares = computed ?? (await computeApportionment(db, row, undefined, year));
  const body = apportionmentBody(yearShares);
  const snapshot = yearSnapshot(yearShares);
  // a closed year keeps the party it was issued with
  const party = snapshot.party ?? (await contractParty(db, row));
  const all = contractsOf({
    caseId: row.id,
    mode: row.contractMode,
    party,
    vendorId: award.vendorId,
    fiscalYear: year,
    taxRate: Fraction.decimal(award.taxRate),
    // 按分なし: each body agrees its own contract with the vendor, outside this record
    shares: snapshot.method === 'none' ? [] : snapshot.shares,
  });
  const own = (c: Contract): Contract | null => {
    if (user.role !== 'member') return c;
    if (c.kind === 'individual') return c.partyMemberId === user.memberId ? c : null;
    if (c.partyMemberId === user.memberId) return c;
    return { ...c, charges: (c.charges ?? []).filter((ch) => ch.memberId === user.memberId) };
  };
  const contracts = all.map(own).filter((c): c is Contract => c !== null);
  return { fiscalYear: year, closed: body.closed, vendorName, taxRate: Number(award.taxRate), optionNames: Object.fromEntries(row.options.map((o) => [o.code, o.name])), contracts };
}

/** Names the member body that signs a bulk contract for all (null: the consortium itself). */
export async function setContractParty(c: Ctx, caseId: string, memberId: string | null) {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, me.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    if (memberId !== null && !(await findMember(tx, me.consortiumId, memberId))) {
      throw new AppError('validation_error', '指定された団体が見つかりません。', [{ path: 'memberId', message: '存在しない団体です' }]);
    }
    const [saved] = await tx.update(cases).set({ contractPartyMemberId: memberId, updatedAt: nowOf(c) }).where(eq(cases.id, caseId)).returning();
    await audit({ action: 'case.contract_party', objectType: 'case', objectId: caseId, caseId, details: { memberId } });
    return saved!;
  });
}

/**
 * Closes a fiscal year after the award: its shares are frozen as they stand, and later data or joiners
 * never change them (409 year_closed for a change that would).
 */
export async function closeYear(c: Ctx, caseId: string, fiscalYear: number) {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, me.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    await requireAward(tx, row);
    if (fiscalYear < row.fiscalYear) throw new AppError('validation_error', `案件の年度（${row.fiscalYear}年度）より前の年度は締められません。`, [{ path: 'fiscalYear', message: '案件の年度以降にしてください' }]);
    const years = await caseYearsOf(tx, caseId);
    if (isClosedYear(years, fiscalYear)) throw new AppError('year_closed', `${fiscalYear}年度はすでに確定済みです。`, { fiscalYear });
    // years close in order, so a change after the award always lands in the first open year and after it
    const next = firstOpenYear(row, years);
    if (fiscalYear !== next) throw new AppError('conflict', `年度は順に確定してください。次に確定できるのは${next}年度です。`, { next });
    const computed = await computeApportionment(tx, row, undefined, fiscalYear);
    const shares = { ...yearSnapshot(computed), party: await contractParty(tx, row) };
    const now = nowOf(c);
    const user = c.get('user')!;
    await tx
      .insert(caseYears)
      .values({ caseId, fiscalYear, closedAt: now, closedBy: user.id, shares })
      .onConflictDoUpdate({ target: [caseYears.caseId, caseYears.fiscalYear], set: { closedAt: now, closedBy: user.id, shares } });
    await audit({ action: 'year.close', objectType: 'case', objectId: caseId, caseId, details: { fiscalYear, total: shares.total, sum: shares.sum, members: shares.shares.length } });
    return apportionmentBody(await computeApportionment(tx, row, undefined, fiscalYear));
  });
}

/** The savings of the joint procurement against each member's standard price, for one fiscal year. */
export async function savingsFor(db: Db, user: SessionUser, row: CaseRow, fiscalYear?: number, computed?: Computed) {
  const year = fiscalYear ?? row.fiscalYear;
  const body = apportionmentBody(computed ?? (await computeApportionment(db, row, undefined, year)));
  const list = await listParticipation(db, row.consortiumId, row.id);
  const standard = new Map(list.map((p) => [p.member.id, p.participant?.standardPrice ?? null]));
  const report = savingsOf(body.shares.map((s) => ({ memberId: s.memberId, memberName: s.memberName, standardPrice: standard.get(s.memberId) ?? null, amount: s.amount })));
  if (user.role === 'member') return { fiscalYear: year, members: report.members.filter((m) => m.memberId === user.memberId), total: null };
  return { fiscalYear: year, ...report };
}

export const amendmentInput = z.strictObject({
  reason: z.string().trim().min(1, { message: '変更の理由を入力してください' }).max(2000, { message: '理由は2000文字以内にしてください' }),
  /** what the amendment changes for that year: a body added or taken out, or its options; the rest stays as issued */
  changes: z
    .array(
      z.strictObject({
        memberId: z.string().max(64),
        participating: z.boolean(),
        options: participationInput.shape.options.unwrap().optional(),
      }),
    )
    .max(1000)
    .default([]),
});

/**
 * 変更: re-issues a closed year's shares from the record as it now stands (a member's corrected options,
 * a withdrawal agreed for that year), with a reason; the shares it replaces are kept beside it.
 */
export async function amendYear(c: Ctx, caseId: string, fiscalYear: number, { reason, changes }: z.output<typeof amendmentInput>) {
  const me = requireConsortiumRole(c, 'secretariat');
  return mutate(c, async (tx, audit) => {
    const row = await lockCase(tx, me.consortiumId, caseId);
    if (!row) throw notFound('指定された調達案件が見つかりません。');
    const years = await caseYearsOf(tx, caseId);
    const year = years.find((y) => y.fiscalYear === fiscalYear && y.closedAt !== null && y.shares !== null);
    if (!year) throw new AppError('conflict', `${fiscalYear}年度は確定していません。確定前の年度は、参加・オプションの変更がそのまま反映されます。`, { fiscalYear });
    const before = year.shares!;
    // the year as issued, with only the changes named here: nothing else of the record since reaches it
    const taking = new Map(before.shares.map((s) => [s.memberId, s.options]));
    for (const change of changes) {
      if (!(await findMember(tx, row.consortiumId, change.memberId))) {
        throw new AppError('validation_error', '指定された参加団体が見つかりません。', [{ path: 'changes.memberId', message: change.memberId }]);
      }
      const unknown = Object.keys(change.options ?? {}).filter((code) => !row.options.some((o) => o.code === code));
      if (unknown.length > 0) throw new AppError('validation_error', `この案件にないオプションです: ${unknown.join(', ')}`, unknown.map((code) => ({ path: `changes.options.${code}`, message: '存在しないオプションです' })));
      if (change.participating) taking.set(change.memberId, change.options ?? taking.get(change.memberId) ?? {});
      else taking.delete(change.memberId);
    }
    const members = [...taking].map(([memberId, options]) => ({ memberId, options }));
    const after = { ...yearSnapshot(await computeApportionment(tx, row, undefined, fiscalYear, { live: true, members })), party: before.party ?? (await contractParty(tx, row)) };
    // jsonb keeps no key order: compared as values
    if (isDeepStrictEqual(after, before)) throw new AppError('conflict', `${fiscalYear}年度の負担額に変わるところがないため、変更として記録するものがありません。`);
    const user = c.get('user')!;
    const amendment = { at: nowOf(c).toISOString(), by: user.id, reason, before };
    await tx
      .update(caseYears)
      .set({ shares: after, amendments: [...year.amendments, amendment] })
      .where(and(eq(caseYears.caseId, caseId), eq(caseYears.fiscalYear, fiscalYear)));
    await audit({
      action: 'year.amend',
      objectType: 'case',
      objectId: caseId,
      caseId,
      details: { fiscalYear, reason, changes, before: { sum: before.sum, members: before.shares.length }, after: { sum: after.sum, members: after.shares.length } },
    });
    return { fiscalYear, amendment: amendmentView(amendment, after), apportionment: apportionmentBody(await computeApportionment(tx, row, undefined, fiscalYear)) };
  });
}

function amendmentView(a: { at: string; reason: string; before: StoredYearShares }, after?: StoredYearShares) {
  return { at: a.at, reason: a.reason, before: { sum: a.before.sum, members: a.before.shares.length }, ...(after ? { after: { sum: after.sum, members: after.shares.length } } : {}) };
}

/** The case's fiscal years that have a rule of their own, are closed or were amended. */
export async function yearList(db: Db, row: CaseRow) {
  const years = await caseYearsOf(db, row.id);
  return years.map((y) => ({
    fiscalYear: y.fiscalYear,
    closed: y.closedAt !== null,
    closedAt: y.closedAt?.toISOString() ?? null,
    ruleFromThisYear: y.rule !== null,
    amendments: y.amendments.map((a) => amendmentView(a)),
  }));
}
