import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { memberKindLabels, optionMark } from '../../domain/apportionment.ts';
import { fiscalYearLabel } from '../../domain/fiscal-year.ts';
import { points } from '../../domain/format.ts';
import { type IssuerSettings, issuerLines } from '../../domain/issuer.ts';
import { isPriceCompetition, negotiatedGroundCitation, negotiatedGrounds, selectedPartyLabel } from '../../domain/methods.ts';
import { formatYen } from '../../domain/money.ts';
import { computeApportionment } from '../../services/apportionment.ts';
import { caseMethodLabels, contractModeLabels } from '../../services/cases.ts';
import type { computeResults } from '../../services/evaluation.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { listParticipation } from '../../services/participation.ts';
import type { StoredYearShares } from '../../../schema/index.ts';
import { formatIssueDate, type TableSpec } from '../layout.ts';
import type { DocumentPayload } from '../template.ts';

/**
 * Payload builders: each gathers what one document shows into plain data. The renderer draws it from a
 * template without touching the database. A section whose data does not exist yet is left out.
 *
 * A payload never holds the document's number or issue date (the renderer prints those), so the same
 * data gives the same payload, and an unchanged document is not issued again.
 */

/** What every builder is given besides the case: who issues, and for whom the copy is. */
export interface DocumentContext {
  issuer: IssuerSettings;
}

/** A built document: its payload, and whether the data makes it a draft (案) whatever the caller wants. */
export interface BuiltDocument {
  payload: DocumentPayload;
  draft: boolean;
}

/** A date as the consortium prints it (和暦 first unless it chose 西暦). */
export const issueDate = (ctx: DocumentContext, d: Date | string | null | undefined) => (d ? formatIssueDate(new Date(d), ctx.issuer.era) : '');

/** The issuer block at the right of a notice, with the seal as configured. */
export const issuerOf = (ctx: DocumentContext): NonNullable<DocumentPayload['issuer']> => ({ lines: issuerLines(ctx.issuer), seal: ctx.issuer.seal });

export const jstDateTime = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
export const when = (d: Date | string | null | undefined) => (d ? jstDateTime.format(new Date(d)) : '');
export const jstDate = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo' });

export type Results = Awaited<ReturnType<typeof computeResults>>;

/** The ranking as the award and the evaluation summary print it; a tie is marked at its rank. */
export function rankingTable(results: Results, vendorName: (r: Results['ranking'][number]) => string): TableSpec {
  return {
    columns: [
      { header: '順位', width: { fraction: 0.1 }, align: 'right' },
      { header: '提案者' },
      { header: '技術点', width: { fraction: 0.13 }, align: 'right' },
      { header: '価格点', width: { fraction: 0.13 }, align: 'right' },
      { header: '合計点', width: { fraction: 0.13 }, align: 'right' },
      { header: '判定', width: { fraction: 0.12 }, align: 'center' },
    ],
    rows: results.ranking.map((r) => [String(r.rank) + (r.tie ? '（同点）' : ''), vendorName(r), points(r.technical), points(r.price), points(r.total), r.passed ? '合格' : '不合格']),
  };
}

export function caseInfo(row: CaseRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    descriptionLines: row.description.split(/\n+/),
    method: row.method,
    methodLabel: caseMethodLabels[row.method],
    contractModeLabel: contractModeLabels[row.contractMode],
    fiscalYearLabel: fiscalYearLabel(row.fiscalYear),
    isProposal: row.method === 'proposal' || row.method === 'comprehensive',
    isBid: isPriceCompetition(row.method),
    /** what the selection names: 落札者, 契約候補者（優先交渉権者）, 契約の相手方 … */
    partyLabel: selectedPartyLabel(row.method),
    // 随意契約: the ground as cited in full, and the reason (empty for every other method)
    negotiatedGroundText: row.method === 'negotiated' && row.negotiatedGround ? `${negotiatedGroundCitation(row.negotiatedGround)}（${negotiatedGrounds[row.negotiatedGround as keyof typeof negotiatedGrounds] ?? ''}）` : '',
    negotiatedReason: row.method === 'negotiated' ? (row.negotiatedReason ?? '') : '',
  };
}

/**
 * 参加団体 × オプション: ○ for a chosen option, the quantity where one was given, — otherwise. With the
 * shares an award issued, the bodies and options as they were issued, not as the record stands now.
 */
export async function memberOptionTable(db: Db, row: CaseRow, issued?: StoredYearShares | null): Promise<{ table: TableSpec; count: number }> {
  const all = await listParticipation(db, row.consortiumId, row.id);
  const kindOf = new Map(all.map((p) => [p.member.id, p.member.kind]));
  const list = issued
    ? issued.shares.map((s) => ({ name: s.memberName, kind: kindOf.get(s.memberId), options: s.options, joinedAt: s.joinedAt ?? null, lateJoin: s.lateJoin ?? false }))
    : all.filter((p) => p.participant?.participating).map(({ member, participant }) => ({ name: member.name, kind: member.kind, ...participant! }));
  const optionWidth = row.options.length > 0 ? Math.min(0.18, 0.5 / row.options.length) : 0;
  return {
    count: list.length,
    table: {
      columns: [
        { header: '団体名', width: { fraction: 0.24 } },
        { header: '区分', width: { fraction: 0.1 } },
        ...row.options.map((o) => ({ header: o.name, width: { fraction: optionWidth }, align: 'center' as const })),
        // the join date takes what the other columns leave
        { header: '参加日' },
      ],
      rows: list.map((p) => [
        p.name,
        p.kind ? memberKindLabels[p.kind] : '',
        ...row.options.map((o) => optionMark(p.options[o.code])),
        `${p.joinedAt ? jstDate.format(new Date(p.joinedAt)) : ''}${p.lateJoin ? '（後乗り）' : ''}`,
      ]),
    },
  };
}

export async function apportionmentTable(db: Db, row: CaseRow, issued?: StoredYearShares | null): Promise<TableSpec | null> {
  let shares: StoredYearShares | null = issued && issued.method !== 'none' ? issued : null;
  if (issued && issued.method === 'none') return null;
  if (!shares) {
    if (!row.apportionment || row.apportionment.method === 'none') return null;
    const { result } = await computeApportionment(db, row);
    if (!result.ok) return null;
    shares = { method: result.method, total: result.total, sum: result.sum, optionTotal: result.optionTotal, shares: result.shares.map((s) => ({ ...s, options: {} })) };
  }
  if (shares.shares.length === 0) return null;
  return {
    columns: [
      { header: '団体名', width: { fraction: 0.34 } },
      { header: '基本負担額', align: 'right' },
      { header: 'オプション料金', align: 'right' },
      { header: '負担額（税抜）', align: 'right' },
    ],
    rows: [
      ...shares.shares.map((s) => [s.memberName, formatYen(s.base), formatYen(s.optionCharges), formatYen(s.amount)]),
      ['合計', formatYen(shares.total), formatYen(shares.optionTotal), formatYen(shares.sum)],
    ],
  };
}

export async function criteriaTable(db: Db, row: CaseRow): Promise<TableSpec | null> {
  const found = await findEvaluation(db, row.id);
  if (!found) return null;
  const modes = { points: '点数', grade: '段階評価（A〜E）', pass_fail: '適否（必須）', price: '価格点（最低価格 ÷ 提案価格 × 配点）' } as const;
  return {
    columns: [
      { header: '区分', width: { fraction: 0.16 } },
      { header: '評価項目', width: { fraction: 0.42 } },
      { header: '配点', width: { fraction: 0.1 }, align: 'right' },
      { header: '評価の方法' },
    ],
    rows: found.row.criteria.map((c) => [c.group ?? '', c.name, c.mode === 'pass_fail' ? '—' : points(c.maxPoints), modes[c.mode]]),
  };
}

