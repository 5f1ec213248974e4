import type { CaseOption } from '../../schema/index.ts';
import type { BidStatus } from '../domain/bidding.ts';
import type { CaseState } from '../domain/lifecycle.ts';
import { type CaseMethod, caseMethodLabels as label, negotiatedGroundCitation } from '../domain/methods.ts';

/**
 * OCDS 1.1 release packages (Open Contracting Data Standard) for a case, as pure data: one release per
 * stage — planning, tender, award — with the consortium as procuring entity, every participating member
 * as buyer and every vendor as tenderer (supplier once awarded). Bid amounts appear only for opened rounds.
 */

export interface OcdsCase {
  id: string;
  title: string;
  description: string;
  method: CaseMethod;
  /** 随意契約: the item of 地方自治法施行令 第167条の2 第1項 */
  negotiatedGround: string | null;
  contractMode: 'bulk' | 'individual';
  fiscalYear: number;
  state: CaseState;
  options: CaseOption[];
  createdAt: Date;
  publishedAt: Date | null;
  submissionDeadline: Date | null;
}

export interface OcdsInput {
  prefix: string;
  uri: string;
  publishedDate: Date;
  case: OcdsCase;
  consortium: { id: string; name: string };
  participants: { memberId: string; name: string; options: Record<string, boolean | number> }[];
  tenderers: { id: string; name: string; corporateNumber: string | null }[];
  /** opened rounds only */
  openedBids: { round: number; vendorId: string; amount: number | null; status: BidStatus; receivedAt: string }[];
  /** proposals with their price, once the evaluation is closed */
  proposals: { vendorId: string; price: number | null }[];
  bidDeadline: Date | null;
  ceilingPrice: number | null;
  award: { vendorId: string; vendorName: string; amount: number | null; amountWithTax: number | null; decidedAt: Date } | null;
}

export const ocidOf = (prefix: string, caseId: string) => `${prefix}-${caseId}`;

/** OCDS procurementMethod and its Japanese details: a 随意契約 is 'limited' and cites its legal ground. */
function methodDetailsOf(c: Pick<OcdsCase, 'method' | 'negotiatedGround'>): { method: 'open' | 'selective' | 'limited'; details: string } {
  switch (c.method) {
    case 'proposal':
      return { method: 'selective', details: `${label.proposal}（契約候補者の選定後、${label.negotiated}）` };
    case 'competitive_bid':
      return { method: 'open', details: label.competitive_bid };
    case 'comprehensive':
      return { method: 'open', details: `${label.competitive_bid}（${label.comprehensive}）` };
    case 'quotation':
      return { method: 'limited', details: `${label.quotation}（${label.negotiated}）` };
    case 'negotiated':
      return { method: 'limited', details: c.negotiatedGround ? `${label.negotiated}（${negotiatedGroundCitation(c.negotiatedGround)}）` : label.negotiated };
  }
}

const bidStatus: Record<BidStatus, 'valid' | 'disqualified' | 'withdrawn'> = {
  valid: 'valid',
  investigation: 'valid',
  over_ceiling: 'disqualified',
  below_floor: 'disqualified',
  rejected: 'disqualified',
  declined: 'withdrawn',
};

function tenderStatus(state: CaseState, hasAward: boolean): string {
  if (state === 'cancelled') return 'cancelled';
  if (state === 'awarded' || hasAward) return 'complete';
  if (state === 'draft' || state === 'rfi' || state === 'spec_review') return 'planning';
  return 'active';
}

const yen = (amount: number) => ({ amount, currency: 'JPY' });

export function buildReleasePackage(input: OcdsInput) {
  const ocid = ocidOf(input.prefix, input.case.id);
  const c = input.case;
  const consortiumParty = { id: `consortium-${input.consortium.id}`, name: input.consortium.name };
  const procuringEntity = consortiumParty;
  const partyOf = (roles: string[]) => ({ ...consortiumParty, roles });
  const memberParties = input.participants.map((p) => ({ id: `member-${p.memberId}`, name: p.name, roles: ['buyer'] }));
  const awardedVendor = input.award?.vendorId;
  const vendorParties = input.tenderers.map((v) => ({
    id: `vendor-${v.id}`,
    name: v.name,
    ...(v.corporateNumber ? { identifier: { scheme: 'JP-JCN', id: v.corporateNumber, legalName: v.name } } : {}),
    roles: v.id === awardedVendor ? ['tenderer', 'supplier'] : ['tenderer'],
  }));
  // in a bulk contract the consortium buys for its members; in individual contracts each member buys
  const consortiumRoles = c.contractMode === 'bulk' ? ['procuringEntity', 'buyer'] : ['procuringEntity'];
  const items = [
    { id: 'service', description: c.title, quantity: input.participants.length, unit: { name: '団体' } },
    ...c.options.map((o) => {
      const quantity = input.participants.reduce((sum, p) => {
        const v = p.options[o.code];
        return sum + (v === true ? 1 : typeof v === 'number' ? v : 0);
      }, 0);
      return { id: `option-${o.code}`, description: o.name, quantity, ...(o.price ? { unit: { name: '単位', value: yen(o.price) } } : {}) };
    }),
  ];

  const releases: Record<string, unknown>[] = [];
  const base = (tag: string, date: Date) => ({ ocid, id: `${ocid}-${tag}`, date: date.toISOString(), tag: [tag], initiationType: 'tender', language: 'ja' });

  releases.push({
    ...base('planning', c.createdAt),
    parties: [partyOf(consortiumRoles), ...memberParties],
    buyer: c.contractMode === 'bulk' ? consortiumParty : undefined,
    planning: { rationale: c.description || undefined },
    tender: { id: `${c.id}-tender`, title: c.title, status: 'planning', procuringEntity, items },
  });

  if (c.publishedAt) {
    const m = methodDetailsOf(c);
    const bidDetails = [
      ...input.openedBids.map((b) => ({
        id: `${c.id}-r${b.round}-${b.vendorId}`,
        date: b.receivedAt,
        status: bidStatus[b.status],
        tenderers: [{ id: `vendor-${b.vendorId}`, name: input.tenderers.find((v) => v.id === b.vendorId)?.name ?? '' }],
        ...(b.amount !== null ? { value: yen(b.amount) } : {}),
      })),
      ...input.proposals.map((p) => ({
        id: `${c.id}-proposal-${p.vendorId}`,
        status: 'valid',
        tenderers: [{ id: `vendor-${p.vendorId}`, name: input.tenderers.find((v) => v.id === p.vendorId)?.name ?? '' }],
        ...(p.price !== null ? { value: yen(p.price) } : {}),
      })),
    ];
    const cancelled = c.state === 'cancelled';
    const endDate = c.method === 'competitive_bid' || c.method === 'quotation' ? input.bidDeadline : c.submissionDeadline ?? input.bidDeadline;
    releases.push({
      ...base(cancelled ? 'tenderCancellation' : 'tender', c.publishedAt),
      parties: [partyOf(consortiumRoles), ...memberParties, ...vendorParties],
      buyer: c.contractMode === 'bulk' ? consortiumParty : undefined,
      tender: {
        id: `${c.id}-tender`,
        title: c.title,
        description: c.description || undefined,
        status: tenderStatus(c.state, Boolean(input.award)),
        procuringEntity,
        items,
        ...(input.ceilingPrice !== null ? { value: yen(input.ceilingPrice) } : {}),
        procurementMethod: m.method,
        procurementMethodDetails: m.details,
        mainProcurementCategory: 'services',
        ...(endDate ? { tenderPeriod: { endDate: endDate.toISOString() } } : {}),
        numberOfTenderers: input.tenderers.length,
        tenderers: input.tenderers.map((v) => ({ id: `vendor-${v.id}`, name: v.name })),
      },
      ...(bidDetails.length > 0 ? { bids: { details: bidDetails } } : {}),
    });
  }

  if (input.award) {
    const a = input.award;
    releases.push({
      ...base('award', a.decidedAt),
      parties: [partyOf(consortiumRoles), ...memberParties, ...vendorParties],
      awards: [
        {
          id: `${c.id}-award`,
          title: c.title,
          status: 'active',
          date: a.decidedAt.toISOString(),
          ...(a.amountWithTax !== null ? { value: yen(a.amountWithTax) } : {}),
          suppliers: [{ id: `vendor-${a.vendorId}`, name: a.vendorName }],
          items,
        },
      ],
    });
  }

  return {
    uri: input.uri,
    version: '1.1',
    publishedDate: input.publishedDate.toISOString(),
    publisher: { name: input.consortium.name },
    extensions: ['https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json'],
    releases: releases.map(stripUndefined),
  };
}

/** JSON has no undefined: optional members left unset are dropped rather than serialised as null. */
function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
