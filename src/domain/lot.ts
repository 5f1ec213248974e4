/**
 * The electronic lot (電子くじ) that breaks a tie between equal bids, as Japanese e-bidding systems run it:
 * each bidder's drawn number is (its 3-digit lot number + a system value) mod 1000; the tied bidders
 * are numbered 0, 1, 2… in order of receipt; the winner is the one whose number equals (sum of the
 * drawn numbers) mod (number of tied bidders). Every step is returned, so the record shows the arithmetic.
 */

export type SystemValueSource = 'receipt_ms' | 'epoch_seconds' | 'random';

export interface LotEntrant {
  vendorId: string;
  /** くじ番号 entered with the bid, 0–999 (a paper bid without one uses 000) */
  lotNumber: number;
  receivedAt: Date;
}

export interface LotEntry {
  vendorId: string;
  order: number;
  lotNumber: number;
  systemValue: number;
  drawnNumber: number;
}

export interface LotDraw {
  entries: LotEntry[];
  sum: number;
  remainder: number;
  winnerVendorId: string;
}

/**
 * The system value of a bid: the milliseconds of its receipt time (receipt_ms), or the last three
 * digits of its Unix time in whole seconds (epoch_seconds). `random` values come from the caller.
 */
export function systemValueOf(source: Exclude<SystemValueSource, 'random'>, receivedAt: Date): number {
  const ms = receivedAt.getTime();
  return source === 'receipt_ms' ? ms % 1000 : Math.floor(ms / 1000) % 1000;
}

/** Orders the tied bidders by receipt (then by vendor id, so equal times still give one order). */
export function receiptOrder<T extends { receivedAt: Date; vendorId: string }>(entrants: readonly T[]): T[] {
  return [...entrants].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.vendorId < b.vendorId ? -1 : a.vendorId > b.vendorId ? 1 : 0));
}

/** Draws the lot among tied bidders, each with its system value already decided. */
export function drawLotWithValues(entrants: readonly (LotEntrant & { systemValue: number })[]): LotDraw {
  if (entrants.length < 2) throw new RangeError('a lot needs at least two tied bidders');
  const entries = receiptOrder(entrants).map((e, order) => {
    if (!Number.isInteger(e.lotNumber) || e.lotNumber < 0 || e.lotNumber > 999) throw new RangeError(`lot number out of range: ${e.lotNumber}`);
    return { vendorId: e.vendorId, order, lotNumber: e.lotNumber, systemValue: e.systemValue, drawnNumber: (e.lotNumber + e.systemValue) % 1000 };
  });
  const sum = entries.reduce((acc, e) => acc + e.drawnNumber, 0);
  const remainder = sum % entries.length;
  return { entries, sum, remainder, winnerVendorId: entries[remainder]!.vendorId };
}

/** Draws the lot with system values from the receipt times, or from `random` (one value per bidder, 0–999). */
export function drawLot(entrants: readonly LotEntrant[], source: SystemValueSource, random: () => number = () => 0): LotDraw {
  return drawLotWithValues(
    entrants.map((e) => ({ ...e, systemValue: source === 'random' ? random() : systemValueOf(source, e.receivedAt) })),
  );
}
