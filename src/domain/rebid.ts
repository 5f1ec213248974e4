import { type RoundResult, rebidEligible } from './bidding.ts';

/**
 * Why a vendor may not bid in a round, or null when it may: round 1 is open to every qualified vendor;
 * a re-bid round (再度入札) only to those whose bid in the round before was over the ceiling.
 */
export function rebidRefusal(round: number, previous: RoundResult | null | undefined, vendorId: string): string | null {
  if (round === 1) return null;
  if (!previous) return `第${round}回は、第${round - 1}回の開札後に行われます。`;
  if (rebidEligible(previous).includes(vendorId)) return null;
  const own = previous.bids.find((b) => b.vendorId === vendorId);
  const why =
    !own ? `第${round - 1}回に入札していない` :
    own.status === 'declined' ? `第${round - 1}回を辞退した` :
    own.status === 'below_floor' ? `第${round - 1}回の入札が最低制限価格未満で失格となった` :
    `第${round - 1}回の入札が予定価格を超えていなかった`;
  return `第${round}回（再度入札）には、第${round - 1}回で予定価格を超える入札をした事業者だけが参加できます。貴社は${why}ため、この回には入札できません。`;
}
