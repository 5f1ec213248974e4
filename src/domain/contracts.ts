/**
 * Contracts after the award (契約): one contract for all, with each member's 負担金, or one contract per
 * participating member; and the savings of buying together. Pure functions over a year's shares.
 */
import { largestRemainder } from './apportionment.ts';
import { withTax } from './bidding.ts';
import type { Fraction } from './fraction.ts';

export interface YearShare {
  memberId: string;
  memberName: string;
  amount: number;
  options: Record<string, boolean | number>;
}

export interface ContractParty {
  memberId: string | null;
  name: string;
}

export interface Charge {
  memberId: string;
  memberName: string;
  amount: number;
  amountWithTax: number;
}

export interface Contract {
  id: string;
  kind: 'bulk' | 'individual';
  partyMemberId: string | null;
  partyName: string;
  vendorId: string;
  fiscalYear: number;
  amount: number;
  amountWithTax: number;
  options?: Record<string, boolean | number>;
  charges?: Charge[];
}

/**
 * Shares of a taxed amount in proportion to the amounts before tax, whole yen summing exactly to it, so
 * that members' 負担金 with tax add up to the contract they pay for.
 */
export function sharesWithTax(amounts: readonly number[], totalWithTax: number): number[] {
  if (amounts.every((a) => a === 0)) return amounts.map(() => 0);
  return largestRemainder(BigInt(totalWithTax), amounts.map((a) => BigInt(a))).map(Number);
}

/**
 * The contracts of one fiscal year. Bulk: one contract between the party and the vendor for the whole
 * year's total, each member's 負担金 listed. Individual: one contract per member for its own share and
 * options. Tax is added per contract, rounded down to the yen.
 */
export function contractsOf(input: {
  caseId: string;
  mode: 'bulk' | 'individual';
  party: ContractParty;
  vendorId: string;
  fiscalYear: number;
  taxRate: Fraction;
  shares: readonly YearShare[];
}): Contract[] {
  const { caseId, vendorId, fiscalYear, taxRate, shares } = input;
  if (input.mode === 'individual') {
    return shares.map((s) => ({
      id: `${caseId}-${fiscalYear}-${s.memberId}`,
      kind: 'individual',
      partyMemberId: s.memberId,
      partyName: s.memberName,
      vendorId,
      fiscalYear,
      amount: s.amount,
      amountWithTax: withTax(s.amount, taxRate),
      options: s.options,
    }));
  }
  if (shares.length === 0) return [];
  const amount = shares.reduce((a, s) => a + s.amount, 0);
  const amountWithTax = withTax(amount, taxRate);
  const taxed = sharesWithTax(shares.map((s) => s.amount), amountWithTax);
  return [
    {
      id: `${caseId}-${fiscalYear}-bulk`,
      kind: 'bulk',
      partyMemberId: input.party.memberId,
      partyName: input.party.name,
      vendorId,
      fiscalYear,
      amount,
      amountWithTax,
      charges: shares.map((s, i) => ({ memberId: s.memberId, memberName: s.memberName, amount: s.amount, amountWithTax: taxed[i]! })),
    },
  ];
}

export interface Saving {
  memberId: string;
  memberName: string;
  standardPrice: number;
  amount: number;
  saving: number;
  /** the saving as a share of the standard price, 0–1 (negative when the joint price is higher) */
  rate: number;
}

/** The savings against each member's standard (list) price, for the members that have one, and in total. */
export function savingsOf(rows: readonly { memberId: string; memberName: string; standardPrice: number | null; amount: number }[]) {
  const members: Saving[] = rows
    .filter((r): r is typeof r & { standardPrice: number } => r.standardPrice !== null && r.standardPrice > 0)
    .map((r) => ({ ...r, saving: r.standardPrice - r.amount, rate: (r.standardPrice - r.amount) / r.standardPrice }));
  const standardPrice = members.reduce((a, m) => a + m.standardPrice, 0);
  const amount = members.reduce((a, m) => a + m.amount, 0);
  return {
    members,
    total: { standardPrice, amount, saving: standardPrice - amount, rate: standardPrice === 0 ? 0 : (standardPrice - amount) / standardPrice },
  };
}
