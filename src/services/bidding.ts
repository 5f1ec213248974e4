import { randomInt } from 'node:crypto';
import { followCase } from './follows.ts';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { bidRounds, biddings, bids, evaluations, vendors } from '../../schema/index.ts';
import { type Ctx, type SessionUser, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type CaseRow, holdCase } from '../db/cases.ts';
import { findVendor } from '../db/tenancy.ts';
import { type BiddingRules, type RoundBid, type RoundResult, type TenderTerms, changedTerms, disclosedPrices, evaluateRound, isConcluded, outcomeLabels, quotationOutcomeLabels, rebidEligible } from '../domain/bidding.ts';
import { decideScheduleMoves } from '../domain/schedule.ts';
import { isOnTime } from '../domain/deadline.ts';
import { Fraction, hasAtMostDecimals } from '../domain/fraction.ts';
import { caseMethodLabels, isPriceCompetition } from '../domain/methods.ts';
import { AppError, notFound } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { mutate } from '../http/mutate.ts';
import { newId } from '../ids.ts';
import { bidDigest, bidSalt, digestInput, sealAmount, sealBinding, unsealAmount } from './seal.ts';
import { assertQualified } from './qualification.ts';
import { dateTime } from '../domain/format.ts';
import { notify } from './notify.ts';
import { assertScheduleDecision, hasBids, recordScheduleMoves } from './schedule.ts';
import { biddingChanges } from '../domain/addenda.ts';
import { addendumReason, addendumReasonFor, biddingTermsOf, recordAddendum } from './addenda.ts';
import type { Keys } from '../keys.ts';

export type BiddingRow = typeof biddings.$inferSelect;
export type RoundRow = typeof bidRounds.$inferSelect;
type BidRow = typeof bids.$inferSelect;

const yen = z.number().int({ message: '金額は円単位の整数（税抜）にしてください' }).min(1, { message: '金額は1円以上にしてください' }).max(1_000_000_000_000);
const isoTime = z.iso.datetime({ offset: true, message: '日時は ISO 8601 形式（時差つき）で指定してください' }).transform((v) => new Date(v));

// the dates are compared only once both parsed: a malformed one is still a string, reported on its own
const onceParsed = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

export const biddingInput = z
  .strictObject({
    ceilingPrice: yen,
    ceilingPublic: z.boolean(),
    floorPrice: yen.nullable().optional(),
    investigationPrice: yen.nullable().optional(),
    deadlineAt: isoTime,
    openingAt: isoTime,
    maxRounds: z.number().int().min(1).max(10).default(3),
    lotSystemValue: z.enum(['receipt_ms', 'epoch_seconds', 'random']).default('receipt_ms'),
    taxRate: z.number().min(0).max(1).refine((v) => hasAtMostDecimals(v, 4), { message: '税率は小数第4位まで' }).default(0.1),
    comprehensive: z
      .strictObject({
        mode: z.enum(['additive', 'division']),
        pricePoints: z.number().min(0).max(10_000).default(0),
        technicalScores: z.record(z.string().max(64), z.number().min(0).max(100_000)),
      })
      .nullable()
      .optional(),
    /** 変更理由: why the settings of a published case change (shown to every vendor); needed too when a time moves after bids have arrived */
    reason: addendumReason.optional(),
  })
  .refine((v) => v.openingAt.getTime() >= v.deadlineAt.getTime(), { message: '開札日時は締切日時以降にしてください', path: ['openingAt'], ...onceParsed })
  .refine((v) => v.floorPrice == null || v.floorPrice <= v.ceilingPrice, { message: '最低制限価格は予定価格以下にしてください', path: ['floorPrice'] })
  .refine((v) => v.investigationPrice == null || v.investigationPrice <= v.ceilingPrice, { message: '調査基準価格は予定価格以下にしてください', path: ['investigationPrice'] });

const lotNumber = z.number().int({ message: 'くじ番号は0〜999の整数にしてください' }).min(0, { message: 'くじ番号は0〜999の整数にしてください' }).max(999, { message: 'くじ番号は0〜999の整数にしてください' });
export const bidInput = z.strictObject({ amount: yen, lotNumber });
export const paperBidInput = z.strictObject({ vendorId: z.string().max(64), amount: yen, lotNumber: lotNumber.default(0), receivedAt: isoTime });
export const roundInput = z
  .strictObject({ deadlineAt: isoTime, openingAt: isoTime })
  .refine((v) => v.openingAt.getTime() >= v.deadlineAt.getTime(), { message: '開札日時は締切日時以降にしてください', path: ['openingAt'], ...onceParsed });
export const decisionInput = z.strictObject({ confirm: z.boolean(), reason: z.string().trim().min(1, { message: '理由を入力してください' }).max(2000) });

export function rulesOf(config: BiddingRow, method: CaseRow['method']): BiddingRules {
  return {
    quotation: method === 'quotation',
    ceilingPrice: config.ceilingPrice,
    floorPrice: config.floorPrice,
    investigationPrice: config.investigationPrice,
    taxRate: Fraction.decimal(config.taxRate),
    lotSource: config.lotSystemValue,
    comprehensive: config.comprehensive ?? null,
  };
}

/** The outcome of each round in order, null for a round not yet opened. */
const outcomesOf = (rounds: RoundRow[]) => rounds.map((r) => (r.openedAt ? ((r.result as unknown as OpenedRound | null)?.outcome ?? null) : null));

/** Whether the case's bidding has concluded (awarded or 不落, or the case awarded or cancelled): see isConcluded. */
function biddingConcluded(row: Pick<CaseRow, 'state'>, rounds: RoundRow[]): boolean {
  return isConcluded(row.state, outcomesOf(rounds));
}

/** The reserved prices as the viewer may see them (the secretariat always; anyone else by the rule of disclosedPrices). */
export function visiblePrices(row: Pick<CaseRow, 'state'>, config: BiddingRow, rounds: RoundRow[], secretariat: boolean) {
  const concluded = biddingConcluded(row, rounds);
  return { concluded, ...disclosedPrices(config, { secretariat, concluded }) };
}

/** What the caller may see of the setup: the floor, the threshold and a closed ceiling are the secretariat's until the bidding concludes. */
export function biddingView(row: CaseRow, config: BiddingRow, user: SessionUser, rounds: RoundRow[]) {
  const secretariat = user.role === 'secretariat';
  const { concluded, ...prices } = visiblePrices(row, config, rounds, secretariat);
  return {
    ...prices,
    ceilingPublic: config.ceilingPublic,
    concluded,
    maxRounds: config.maxRounds,
    lotSystemValue: config.lotSystemValue,
    taxRate: Number(config.taxRate),
    comprehensive: config.comprehensive ? { mode: config.comprehensive.mode, pricePoints: config.comprehensive.pricePoints, ...(secretariat ? { technicalScores: config.comprehensive.technicalScores } : {}) } : null,
    rounds: rounds.map((r) => ({ round: r.round, deadlineAt: r.deadlineAt.toISOString(), openingAt: r.openingAt.toISOString(), opened: r.openedAt !== null })),
  };
}

/**
 * An opened round as someone other than the secretariat may see it: a 総合評価 evaluation value
 * (technical + points × (1 − bid ÷ ceiling)) would give away a closed ceiling, so it goes with it.
 */
export function roundForViewer(result: OpenedRound, ceilingShown: boolean): OpenedRound {
  if (ceilingShown) return result;
  return { ...result, bids: result.bids.map(({ evaluationValue: _hidden, ...b }) => b) };
}

export async function findBidding(db: Db, caseId: string) {
  const [config] = await db.select().from(biddings).where(eq(biddings.caseId, caseId));
  if (!config) return null;
  const rounds = await db.select().from(bidRounds).where(eq(bidRounds.caseId, caseId)).orderBy(asc(bidRounds.round));
  return { config, rounds };
}

export async function requireBidding(db: Db, caseId: string) {
  const found = await findBidding(db, caseId);
  if (!found) throw notFound('この案件には入札の設定がありません。');
  return found;
}

const currentRound = (rounds: RoundRow[]) => rounds.at(-1)!;

/** The case's latest round, locked for the rest of the transaction (an opening and a bid cannot interleave). */
async function lockLatestRound(tx: Db, caseId: string): Promise<RoundRow> {
  const [round] = await tx.select().from(bidRounds).where(eq(bidRounds.caseId, caseId)).orderBy(desc(bidRounds.round)).limit(1).for('update');
  if (!round) throw notFound('この案件には入札の設定がありません。');
  return round;
}

export async function setBidding(c: Ctx, row: CaseRow, input: z.output<typeof biddingInput>) {
  if (!isPriceCompetition(row.method)) throw new AppError('conflict', `${caseMethodLabels[row.method]}の案件には入札・見積の設定はできません。`);
  if (row.method === 'comprehensive' && !input.comprehensive) throw new AppError('validation_error', `${caseMethodLabels.comprehensive}の案件には技術点（comprehensive）を指定してください。`);
  if (row.method !== 'comprehensive' && input.comprehensive) throw new AppError('validation_error', `${caseMethodLabels[row.method]}の案件には${caseMethodLabels.comprehensive}の設定はできません。`);
  return mutate(c, async (tx, audit) => {
    // the case first, then its rounds: the order a bid takes them in
    const current = await holdCase(tx, row);
    const rounds = await tx.select().from(bidRounds).where(eq(bidRounds.caseId, row.id)).orderBy(asc(bidRounds.round)).for('update');
    if (rounds.some((r) => r.openedAt)) throw new AppError('conflict', '開札後は入札の設定を変更できません。');
    const [stored] = await tx.select().from(biddings).where(eq(biddings.caseId, row.id)).for('update');
    // a bid takes its round's lock before it is recorded: with the rounds held, none arrives meanwhile
    const locked = await hasBids(tx, row.id);
    const terms: TenderTerms = {
      ceilingPrice: input.ceilingPrice,
      ceilingPublic: input.ceilingPublic,
      floorPrice: input.floorPrice ?? null,
      investigationPrice: input.investigationPrice ?? null,
      maxRounds: input.maxRounds,
      lotSystemValue: input.lotSystemValue,
      taxRate: input.taxRate,
      comprehensive: input.comprehensive ? { mode: input.comprehensive.mode, pricePoints: input.comprehensive.pricePoints } : null,
    };
    if (stored && locked) {
      const changed = changedTerms({ ...stored, comprehensive: stored.comprehensive ?? null }, terms);
      if (changed.length > 0) {
        throw new AppError('schedule_locked', `入札を受け付けた後は、${changed.map((k) => termLabels[k]).join('・')}を変更できません。`, changed.map((k) => ({ path: k, message: '入札の受付後は変更できません' })));
      }
    }
    const round1 = rounds.find((r) => r.round === 1);
    const decision = decideScheduleMoves(
      [
        { field: 'bidDeadline', round: 1, from: round1?.deadlineAt ?? null, to: input.deadlineAt },
        { field: 'bidOpening', round: 1, from: round1?.openingAt ?? null, to: input.openingAt },
      ],
      { now: nowOf(c), locked, reason: input.reason },
    );
    assertScheduleDecision(decision);
    const values = { ...terms, taxRate: String(input.taxRate), comprehensive: input.comprehensive ?? null, updatedAt: nowOf(c) };
    const nextRounds = [{ round: 1, deadlineAt: input.deadlineAt, openingAt: input.openingAt }, ...rounds.filter((r) => r.round !== 1)];
    const announced = biddingChanges(stored ? biddingTermsOf(stored, rounds) : null, biddingTermsOf({ ...(stored ?? { caseId: row.id, floorPrice: null, investigationPrice: null }), ...values }, nextRounds));
    const announceWith = addendumReasonFor(current, announced, input.reason);
    await tx.insert(biddings).values({ caseId: row.id, ...values }).onConflictDoUpdate({ target: biddings.caseId, set: values });
    await tx
      .insert(bidRounds)
      .values({ caseId: row.id, round: 1, deadlineAt: input.deadlineAt, openingAt: input.openingAt })
      .onConflictDoUpdate({ target: [bidRounds.caseId, bidRounds.round], set: { deadlineAt: input.deadlineAt, openingAt: input.openingAt } });
    if (decision.record) await recordScheduleMoves(c, tx, audit, row.id, decision.moves, input.reason!);
    // the prices themselves stay out of the audit trail until the opening makes them public
    await audit({
      action: 'bidding.set',
      objectType: 'bidding',
      objectId: row.id,
      caseId: row.id,
      details: { deadlineAt: input.deadlineAt.toISOString(), openingAt: input.openingAt.toISOString(), maxRounds: input.maxRounds, lotSystemValue: input.lotSystemValue, ceilingPublic: input.ceilingPublic },
    });
    await recordAddendum(c, tx, audit, current, announceWith, announced);
  });
}

const termLabels: Record<keyof TenderTerms, string> = {
  ceilingPrice: '予定価格',
  ceilingPublic: '予定価格の公表方法',
  floorPrice: '最低制限価格',
  investigationPrice: '低入札価格調査基準価格',
  maxRounds: '入札回数の上限',
  lotSystemValue: '電子くじの方式',
  taxRate: '消費税率',
  comprehensive: '総合評価の方式・価格点',
};

/** Which vendors may bid in a round: anyone the case is published to in round 1, then only those re-bidding. */
function mayBid(rounds: RoundRow[], round: RoundRow, vendorId: string): boolean {
  if (round.round === 1) return true;
  const previous = rounds.find((r) => r.round === round.round - 1);
  const result = previous?.result as RoundResult | null | undefined;
  return result ? rebidEligible(result).includes(vendorId) : false;
}

async function receiveBid(
  c: Ctx,
  row: CaseRow,
  vendorId: string,
  kind: BidRow['kind'],
  amount: number | null,
  lot: number,
  receivedAt: Date,
  checks: (round: RoundRow, rounds: RoundRow[]) => void,
) {
  await requireBidding(dbOf(c), row.id);
  const { keys } = c.get('deps');
  try {
    return await mutate(c, async (tx, audit) => {
      assertAcceptingBids(await holdCase(tx, row));
      // hold the round while the bid goes in, so an opening or a change of its times cannot start half-way;
      // its times are read under that lock
      const round = await lockLatestRound(tx, row.id);
      const rounds = await tx.select().from(bidRounds).where(eq(bidRounds.caseId, row.id)).orderBy(asc(bidRounds.round));
      // 入札参加資格 under the vendor's row lock: a rejection decided meanwhile waits, or is seen here
      await assertQualified(tx, row.consortiumId, vendorId);
      if (round.openedAt) throw new AppError('deadline_passed', 'この回はすでに開札されています。');
      checks(round, rounds);
      const id = newId();
      const content = { caseId: row.id, round: round.round, vendorId, amount, lotNumber: lot, receivedAt: receivedAt.toISOString() };
      const digest = bidDigest(content, bidSalt(keys, id));
      await tx.insert(bids).values({
        id,
        caseId: row.id,
        round: round.round,
        vendorId,
        kind,
        sealedAmount: amount === null ? null : sealAmount(keys, amount, sealBinding(row.id, round.round, vendorId)),
        lotNumber: lot,
        receivedAt,
        digest,
        recordedBy: c.get('user')?.id ?? null,
      });
      await audit({
        action: kind === 'declined' ? 'bid.decline' : kind === 'paper' ? 'bid.paper' : 'bid.receive',
        objectType: 'bid',
        objectId: id,
        caseId: row.id,
        // a paper bid names the official who recorded it, besides the actor
        details: { round: round.round, vendorId, receivedAt: receivedAt.toISOString(), digest, ...(kind === 'paper' ? { recordedBy: c.get('user')!.id } : {}) },
      });
      await followCase(tx, row.id, vendorId, receivedAt);
      return { bidId: id, round: round.round, receivedAt: receivedAt.toISOString(), digest, kind };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('already_submitted');
    throw err;
  }
}

function assertAcceptingBids(row: CaseRow) {
  if (!isPriceCompetition(row.method)) throw new AppError('conflict', `${caseMethodLabels[row.method]}の案件は入札・見積を行いません。`);
  if (row.state !== 'open') throw new AppError('conflict', 'この案件は現在、入札を受け付けていません。');
}

/** An electronic bid, or a declining one (辞退): sealed at once; one per vendor per round; no change afterwards. */
export async function submitBid(c: Ctx, row: CaseRow, vendorId: string, input: z.output<typeof bidInput> | 'declined') {
  assertAcceptingBids(row);
  const now = nowOf(c);
  const declined = input === 'declined';
  return receiveBid(c, row, vendorId, declined ? 'declined' : 'electronic', declined ? null : input.amount, declined ? 0 : input.lotNumber, now, (round, rounds) => {
    if (!isOnTime(now, round.deadlineAt)) throw new AppError('deadline_passed', '入札の締切を過ぎているため受け付けられません。');
    if (!mayBid(rounds, round, vendorId)) throw new AppError('forbidden', 'この回の入札に参加する資格がありません。');
  });
}

/** A paper bid recorded by the secretariat, with the time it arrived (lot number 000 unless given). */
export async function recordPaperBid(c: Ctx, row: CaseRow, input: z.output<typeof paperBidInput>) {
  assertAcceptingBids(row);
  const vendor = await findVendor(dbOf(c), row.consortiumId, input.vendorId);
  if (!vendor) throw new AppError('validation_error', '指定された事業者が見つかりません。', [{ path: 'vendorId', message: '存在しない事業者です' }]);
  const now = nowOf(c);
  if (input.receivedAt.getTime() > now.getTime()) throw new AppError('validation_error', '受付日時に未来の日時は指定できません。', [{ path: 'receivedAt', message: '現在より前の日時にしてください' }]);
  return receiveBid(c, row, vendor.id, 'paper', input.amount, input.lotNumber, input.receivedAt, (round, rounds) => {
    if (!isOnTime(input.receivedAt, round.deadlineAt)) throw new AppError('deadline_passed', '受付日時が入札の締切を過ぎています。');
    // a re-bid is received only once it was called, after the previous round's opening
    const previous = rounds.find((r) => r.round === round.round - 1);
    if (previous?.openedAt && input.receivedAt.getTime() < previous.openedAt.getTime()) {
      throw new AppError('validation_error', `受付日時が第${round.round}回の入札の受付開始（第${previous.round}回の開札 ${dateTime(previous.openedAt)}）より前です。`, [{ path: 'receivedAt', message: '再度入札の受付開始より後の日時にしてください' }]);
    }
    if (!mayBid(rounds, round, vendor.id)) throw new AppError('forbidden', 'この事業者はこの回の入札に参加する資格がありません。');
  });
}

export interface OpenedRound {
  round: number;
  outcome: RoundResult['outcome'];
  reason?: string;
  winner?: RoundResult['winner'] & { vendorName?: string };
  bids: (RoundResult['bids'][number] & { vendorName: string; receivedAt: string; kind: string; lotNumber: number })[];
  lot?: RoundResult['lot'];
  openedAt: string;
  decisions?: { confirm: boolean; reason: string; vendorId: string; at: string }[];
}

/**
 * Opens the current round: only at or after its opening time, and exactly once — concurrent requests
 * queue on the round's row lock and the later ones get the stored result, never a second draw.
 */
export async function openRound(c: Ctx, row: CaseRow): Promise<OpenedRound> {
  const db = dbOf(c);
  const { config } = await requireBidding(db, row.id);
  const { keys } = c.get('deps');
  return mutate(c, async (tx, audit) => {
    const round = await lockLatestRound(tx, row.id);
    if (round.openedAt) {
      // already opened: the same result again; the audit notes the repeated request
      await audit({ action: 'bid.open.repeat', objectType: 'bid_round', objectId: `${row.id}:${round.round}`, caseId: row.id, details: { round: round.round } });
      return round.result as unknown as OpenedRound;
    }
    const now = nowOf(c);
    if (now.getTime() < round.openingAt.getTime()) throw new AppError('not_yet', `開札日時（${dateTime(round.openingAt)}）より前は開札できません。`);
    const received = await tx.select().from(bids).where(and(eq(bids.caseId, row.id), eq(bids.round, round.round))).orderBy(asc(bids.receivedAt));
    const amounts = new Map(received.map((b) => [b.id, b.sealedAmount ? unsealAmount(keys, b.sealedAmount, sealBinding(row.id, b.round, b.vendorId)) : null]));
    const roundBids: RoundBid[] = received.map((b) => ({ vendorId: b.vendorId, amount: amounts.get(b.id)!, lotNumber: b.lotNumber, receivedAt: b.receivedAt }));
    const result = evaluateRound(rulesOf(config, row.method), roundBids, { lastRound: round.round >= config.maxRounds, random: () => randomInt(0, 1000) });
    const opening = received.flatMap((b) => {
      const amount = amounts.get(b.id);
      return amount === null || amount === undefined ? [] : [sql`(${b.id}, ${amount}::bigint)`];
    });
    if (opening.length > 0) {
      await tx.execute(sql`update bids set opened_amount = v.amount from (values ${sql.join(opening, sql`, `)}) as v(id, amount) where bids.id = v.id`);
    }
    const opened = await describeResult(tx, row, round.round, result, received, now);
    await tx.update(bidRounds).set({ openedAt: now, openedBy: c.get('user')!.id, result: opened as unknown as Record<string, unknown> }).where(and(eq(bidRounds.caseId, row.id), eq(bidRounds.round, round.round)));
    await audit({ action: 'bid.open', objectType: 'bid_round', objectId: `${row.id}:${round.round}`, caseId: row.id, details: opened as unknown as Record<string, unknown> });
    // each bidder learns that the round was opened and how it ended; the amounts stay in the tabulation
    const outcome = (row.method === 'quotation' ? quotationOutcomeLabels : outcomeLabels)[opened.outcome];
    await notify(c.get('deps'), tx, { kind: 'opening_result', caseId: row.id, round: round.round, outcome });
    return opened;
  });
}

async function describeResult(tx: Db, row: CaseRow, round: number, result: RoundResult, received: BidRow[], openedAt: Date, decisions?: OpenedRound['decisions']): Promise<OpenedRound> {
  const names = new Map((await tx.select({ id: vendors.id, name: vendors.name }).from(vendors).where(eq(vendors.consortiumId, row.consortiumId))).map((v) => [v.id, v.name]));
  return {
    round,
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.winner ? { winner: { ...result.winner, vendorName: names.get(result.winner.vendorId) ?? '' } } : {}),
    bids: result.bids.map((b) => {
      const r = received.find((x) => x.vendorId === b.vendorId)!;
      return { ...b, vendorName: names.get(b.vendorId) ?? '', receivedAt: r.receivedAt.toISOString(), kind: r.kind, lotNumber: r.lotNumber };
    }),
    ...(result.lot ? { lot: result.lot } : {}),
    openedAt: openedAt.toISOString(),
    ...(decisions ? { decisions } : {}),
  };
}

/** After a re-bid outcome, the next round for the bidders still eligible. */
export async function startRebid(c: Ctx, row: CaseRow, input: z.output<typeof roundInput>) {
  const { config } = await requireBidding(dbOf(c), row.id);
  return mutate(c, async (tx, audit) => {
    const rounds = await tx.select().from(bidRounds).where(eq(bidRounds.caseId, row.id)).orderBy(asc(bidRounds.round)).for('update');
    const last = currentRound(rounds);
    const result = last.result as unknown as OpenedRound | null;
    if (!result || result.outcome !== 'rebid') throw new AppError('conflict', '再度入札は、予定価格以内の入札がなかった回の開札後にのみ行えます。');
    if (last.round >= config.maxRounds) throw new AppError('conflict', '入札回数の上限に達しています。');
    if (input.deadlineAt.getTime() < nowOf(c).getTime()) throw new AppError('validation_error', '締切日時は現在より後にしてください。');
    const [created] = await tx.insert(bidRounds).values({ caseId: row.id, round: last.round + 1, deadlineAt: input.deadlineAt, openingAt: input.openingAt }).returning();
    await audit({ action: 'bid.rebid', objectType: 'bid_round', objectId: `${row.id}:${created!.round}`, caseId: row.id, details: { round: created!.round, eligible: rebidEligible(result as unknown as RoundResult) } });
    return created!;
  });
}

/**
 * 低入札価格調査: the secretariat confirms the low bid (award) or rejects it with a reason, and the round
 * is decided again without that bidder.
 */
export async function decideInvestigation(c: Ctx, row: CaseRow, input: z.output<typeof decisionInput>) {
  const { config } = await requireBidding(dbOf(c), row.id);
  return mutate(c, async (tx, audit) => {
    const round = await lockLatestRound(tx, row.id);
    const current = round.result as unknown as OpenedRound | null;
    if (!current || current.outcome !== 'investigation' || !current.winner) throw new AppError('conflict', '調査中の入札はありません。');
    const now = nowOf(c);
    const decisions = [...(current.decisions ?? []), { confirm: input.confirm, reason: input.reason, vendorId: current.winner.vendorId, at: now.toISOString() }];
    let next: OpenedRound;
    if (input.confirm) {
      next = { ...current, outcome: 'awarded', decisions };
    } else {
      const received = await tx.select().from(bids).where(and(eq(bids.caseId, row.id), eq(bids.round, round.round))).orderBy(asc(bids.receivedAt));
      const roundBids: RoundBid[] = received.map((b) => ({ vendorId: b.vendorId, amount: b.openedAmount, lotNumber: b.lotNumber, receivedAt: b.receivedAt }));
      const rejected = decisions.filter((d) => !d.confirm).map((d) => d.vendorId);
      const result = evaluateRound(rulesOf(config, row.method), roundBids, { lastRound: round.round >= config.maxRounds, excluded: rejected, random: () => randomInt(0, 1000) });
      next = await describeResult(tx, row, round.round, result, received, new Date(current.openedAt), decisions);
    }
    await tx.update(bidRounds).set({ result: next as unknown as Record<string, unknown> }).where(and(eq(bidRounds.caseId, row.id), eq(bidRounds.round, round.round)));
    await audit({ action: input.confirm ? 'bid.investigation.confirm' : 'bid.investigation.reject', objectType: 'bid_round', objectId: `${row.id}:${round.round}`, caseId: row.id, details: { vendorId: current.winner.vendorId, reason: input.reason, outcome: next.outcome } });
    return next;
  });
}

/**
 * The bids as the caller may see them. No amount of an unopened round reaches anyone. Before the opening
 * the secretariat sees who has bid and when; a vendor sees only its own bids; others see nothing of it.
 */
export async function bidsView(db: Db, row: CaseRow, user: SessionUser) {
  const { rounds } = await requireBidding(db, row.id);
  const all = await db.select().from(bids).where(eq(bids.caseId, row.id)).orderBy(asc(bids.round), asc(bids.receivedAt));
  // an evaluator scoring proposals under letters must not learn who bid what before the scoring is closed
  const masked = user.role === 'evaluator' && (await anonymisedScoringOpen(db, row.id));
  return rounds.map((r) => {
    const opened = r.openedAt !== null;
    const result = r.result as unknown as OpenedRound | null;
    const inRound = all.filter((b) => b.round === r.round);
    const visible = opened || user.role === 'secretariat' ? inRound : user.role === 'vendor' ? inRound.filter((b) => b.vendorId === user.vendorId) : [];
    return {
      round: r.round,
      deadlineAt: r.deadlineAt.toISOString(),
      openingAt: r.openingAt.toISOString(),
      opened,
      received: user.role === 'secretariat' || opened ? inRound.length : undefined,
      bids: visible.map((b) => ({
        ...(masked ? {} : { vendorId: b.vendorId }),
        receivedAt: b.receivedAt.toISOString(),
        kind: b.kind,
        ...(opened ? { amount: b.openedAmount, status: result?.bids.find((x) => x.vendorId === b.vendorId)?.status, lotNumber: b.lotNumber } : {}),
      })),
      ...(opened && result ? { outcome: result.outcome, winner: masked ? withoutWinner(result.winner) : result.winner, lot: masked ? withoutDrawers(result.lot) : result.lot } : {}),
    };
  });
}

async function anonymisedScoringOpen(db: Db, caseId: string): Promise<boolean> {
  const [row] = await db.select({ anonymize: evaluations.anonymize, closedAt: evaluations.closedAt }).from(evaluations).where(eq(evaluations.caseId, caseId));
  return Boolean(row?.anonymize && !row.closedAt);
}

// an opened round's winner and lot without naming a bidder: amounts and the lot's arithmetic only
const withoutWinner = (winner: OpenedRound['winner']) => winner && { amount: winner.amount, amountWithTax: winner.amountWithTax };
const withoutDrawers = (lot: OpenedRound['lot']) => lot && { sum: lot.sum, remainder: lot.remainder, entries: lot.entries.map(({ vendorId: _vendorId, ...entry }) => entry) };

/** A vendor's own receipts; once a round is opened, with what it takes to check the digest. */
export async function ownBids(db: Db, keys: Keys, row: CaseRow, vendorId: string) {
  const { rounds } = await requireBidding(db, row.id);
  const mine = await db.select().from(bids).where(and(eq(bids.caseId, row.id), eq(bids.vendorId, vendorId))).orderBy(asc(bids.round));
  return mine.map((b) => {
    const opened = rounds.find((r) => r.round === b.round)?.openedAt !== null;
    const salt = b.salt ?? bidSalt(keys, b.id);
    return {
      bidId: b.id,
      round: b.round,
      kind: b.kind,
      receivedAt: b.receivedAt.toISOString(),
      digest: b.digest,
      ...(opened
        ? {
            amount: b.openedAmount,
            lotNumber: b.lotNumber,
            salt,
            // the exact text whose SHA-256 is the digest
            digestInput: digestInput({ caseId: b.caseId, round: b.round, vendorId: b.vendorId, amount: b.openedAmount, lotNumber: b.lotNumber, receivedAt: b.receivedAt.toISOString() }, salt),
          }
        : {}),
    };
  });
}
