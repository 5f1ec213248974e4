import { eq } from 'drizzle-orm';
import { consortia } from '../../schema/index.ts';
import type { Db } from '../db/client.ts';
import type { CaseRow } from '../db/cases.ts';
import { memberKindLabels, optionMark } from '../domain/apportionment.ts';
import { bidStatusLabels, lotSourceLabels, outcomeLabels } from '../domain/bidding.ts';
import { fiscalYearLabel } from '../domain/fiscal-year.ts';
import { isPriceCompetition, negotiatedGroundCitation, negotiatedGrounds, selectedPartyLabel } from '../domain/methods.ts';
import { points } from '../domain/format.ts';
import { formatYen } from '../domain/money.ts';
import { aggregationLabels } from '../domain/scoring.ts';
import { computeApportionment } from '../services/apportionment.ts';
import { awardView, findAward } from '../services/award.ts';
import { type OpenedRound, findBidding, visiblePrices } from '../services/bidding.ts';
import { caseMethodLabels, contractModeLabels } from '../services/cases.ts';
import { computeResults, findEvaluation } from '../services/evaluation.ts';
import { listParticipation } from '../services/participation.ts';
import { issuedWithAward } from '../services/years.ts';
import type { StoredYearShares } from '../../schema/index.ts';
import { commentsOf, currentSpec } from '../services/spec.ts';
import type { TableSpec } from './layout.ts';
import type { DocumentPayload } from './template.ts';

/**
 * Payload builders: each gathers what one document shows into plain data. The renderer draws it from a
 * template without touching the database. A section whose data does not exist yet is left out.
 */

const jstDateTime = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const when = (d: Date | string | null | undefined) => (d ? jstDateTime.format(new Date(d)) : '');
const jstDate = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo' });

type Results = Awaited<ReturnType<typeof computeResults>>;

/** The ranking as the award and the evaluation summary print it; a tie is marked at its rank. */
function rankingTable(results: Results, vendorName: (r: Results['ranking'][number]) => string): TableSpec {
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

async function consortiumName(db: Db, row: CaseRow) {
  const [c] = await db.select({ name: consortia.name }).from(consortia).where(eq(consortia.id, row.consortiumId));
  return c?.name ?? '';
}

function caseInfo(row: CaseRow) {
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
async function memberOptionTable(db: Db, row: CaseRow, issued?: StoredYearShares | null): Promise<{ table: TableSpec; count: number }> {
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

async function apportionmentTable(db: Db, row: CaseRow, issued?: StoredYearShares | null): Promise<TableSpec | null> {
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

async function criteriaTable(db: Db, row: CaseRow): Promise<TableSpec | null> {
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

export async function specPayload(db: Db, row: CaseRow): Promise<{ payload: DocumentPayload; author: string; draft: boolean }> {
  const spec = await currentSpec(db, row.id);
  const { table: memberOptions, count } = await memberOptionTable(db, row);
  const bidding = await findBidding(db, row.id);
  const round1 = bidding?.rounds[0];
  const evaluation = await findEvaluation(db, row.id);
  const requirements: TableSpec | null = spec?.requirements.length
    ? {
        columns: [
          { header: '番号', width: { fraction: 0.12 } },
          { header: '要件' },
          { header: '区分', width: { fraction: 0.12 }, align: 'center' },
        ],
        rows: spec.requirements.map((r) => [r.code, r.text, r.level === 'must' ? '必須' : '任意']),
      }
    : null;
  const criteria = await criteriaTable(db, row);
  const tables: Record<string, TableSpec> = { memberOptions };
  if (requirements) tables.requirements = requirements;
  if (criteria) tables.criteria = criteria;
  return {
    author: await consortiumName(db, row),
    // a spec is a draft (案) until the case is published
    draft: ['draft', 'rfi', 'spec_review'].includes(row.state),
    payload: {
      case: caseInfo(row),
      version: spec?.version ?? null,
      participantCount: count,
      optionCount: row.options.length,
      sections: (spec?.sections ?? []).map((s) => ({ heading: s.heading, paragraphs: s.body.split(/\n+/).filter((p) => p.trim() !== '') })),
      hasRequirements: Boolean(requirements),
      schedule: {
        rfiDeadline: when(row.rfiDeadline),
        submissionDeadline: when(row.submissionDeadline),
        bidDeadline: when(round1?.deadlineAt),
        opening: when(round1?.openingAt),
      },
      hasSchedule: Boolean(row.rfiDeadline || row.submissionDeadline || round1),
      evaluation: evaluation
        ? { passRatioPercent: Math.round(Number(evaluation.row.passRatio) * 100), aggregationLabel: aggregationLabels[evaluation.row.aggregation] }
        : null,
      tables,
    },
  };
}

export async function awardPayload(db: Db, row: CaseRow): Promise<{ payload: DocumentPayload; author: string } | null> {
  const found = await findAward(db, row.id);
  if (!found) return null;
  const award = awardView(found);
  // the notice shows what the award issued: a joiner or a change after it never redraws it
  const issued = await issuedWithAward(db, row.id);
  const { table: memberOptions, count } = await memberOptionTable(db, row, issued);
  const shares = await apportionmentTable(db, row, issued);
  const tables: Record<string, TableSpec> = { memberOptions };
  if (shares) tables.shares = shares;

  const evaluation = await findEvaluation(db, row.id);
  let evaluationSummary = null;
  if (evaluation?.row.closedAt) {
    const results = await computeResults(db, row.id, evaluation.row);
    tables.ranking = rankingTable(results, (r) => r.vendorName);
    evaluationSummary = { evaluators: results.evaluatorCount, technicalMax: points(results.technicalMax), passLine: points(results.passLine) };
  }
  const bidding = await findBidding(db, row.id);
  const opened = (bidding?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  const bidSummary = opened.length
    ? { rounds: opened.length, lastOutcome: outcomeLabels[opened.at(-1)!.outcome], bidders: opened[0]!.bids.filter((b) => b.status !== 'declined').length }
    : null;

  const party = selectedPartyLabel(row.method);
  const selection = row.method === 'quotation' ? '見積合わせ' : '入札';
  return {
    author: await consortiumName(db, row),
    payload: {
      case: caseInfo(row),
      award: {
        heading: row.method === 'proposal' ? '契約候補者の選定結果について' : row.method === 'negotiated' ? '随意契約の相手方の決定について' : row.method === 'quotation' ? '見積合わせの結果について' : '落札者の決定について',
        partyLabel: party,
        vendorName: award.vendorName,
        amount: award.amount === null ? '提案価格の登録なし' : `${formatYen(award.amount)}（税抜）`,
        amountWithTax: award.amountWithTax === null ? '' : `${formatYen(award.amountWithTax)}（消費税率 ${Math.round(award.taxRate * 100)}%、円未満切り捨て）`,
        decidedAt: when(award.decidedAt),
        basisLabel: { evaluation: `提案の評価の結果、${party}として選定`, bidding: `${selection}の結果、${party}として決定`, manual: '事務局の決定', negotiated: '随意契約の相手方として決定' }[award.basis],
        decisionText: row.method === 'proposal' ? `次のとおり${party}を選定しました。` : `次のとおり${party}を決定しました。`,
        // a proposal selects whom to negotiate with; the contract itself follows by 随意契約
        contractNote: row.method === 'proposal' ? `契約は、${party}と協議が整ったときに、随意契約により締結します。` : '',
      },
      participantCount: count,
      evaluationSummary,
      bidSummary,
      hasShares: Boolean(shares),
      tables,
    },
  };
}

export async function tabulationPayload(db: Db, row: CaseRow): Promise<{ payload: DocumentPayload; author: string } | null> {
  const bidding = await findBidding(db, row.id);
  const opened = (bidding?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  if (!bidding || opened.length === 0) return null;
  const tables: Record<string, TableSpec> = {};
  const rounds = opened.map((r) => {
    const key = `round${r.round}`;
    tables[key] = {
      columns: [
        { header: '事業者', width: { fraction: 0.3 } },
        { header: '入札金額（税抜）', width: { fraction: 0.18 }, align: 'right' },
        { header: '区分', width: { fraction: 0.08 }, align: 'center' },
        { header: 'くじ番号', width: { fraction: 0.1 }, align: 'center' },
        { header: '受付日時' },
        { header: '判定', width: { fraction: 0.18 } },
      ],
      rows: [...r.bids]
        .sort((a, b) => (a.amount ?? Infinity) - (b.amount ?? Infinity))
        .map((b) => [b.vendorName, b.amount === null ? '辞退' : formatYen(b.amount), b.kind === 'paper' ? '紙' : b.kind === 'declined' ? '—' : '電子', String(b.lotNumber).padStart(3, '0'), when(b.receivedAt), bidStatusLabels[b.status]]),
    };
    if (r.lot) {
      tables[`${key}lot`] = {
        columns: [
          { header: '順番', width: { fraction: 0.1 }, align: 'right' },
          { header: '事業者' },
          { header: 'くじ番号', width: { fraction: 0.14 }, align: 'right' },
          { header: 'システム値', width: { fraction: 0.14 }, align: 'right' },
          { header: '決定番号', width: { fraction: 0.14 }, align: 'right' },
        ],
        rows: r.lot.entries.map((e) => [String(e.order), r.bids.find((b) => b.vendorId === e.vendorId)?.vendorName ?? '', String(e.lotNumber).padStart(3, '0'), String(e.systemValue).padStart(3, '0'), String(e.drawnNumber).padStart(3, '0')]),
      };
    }
    return {
      round: r.round,
      table: key,
      lotTable: r.lot ? `${key}lot` : null,
      outcomeLabel: outcomeLabels[r.outcome],
      openedAt: when(r.openedAt),
      winner: r.winner ? { vendorName: r.winner.vendorName ?? '', amount: formatYen(r.winner.amount), amountWithTax: formatYen(r.winner.amountWithTax) } : null,
      lotText: r.lot
        ? `決定番号の合計 ${r.lot.sum} ÷ くじの対象者数 ${r.lot.entries.length} ＝ ${Math.floor(r.lot.sum / r.lot.entries.length)} 余り ${r.lot.remainder}。順番 ${r.lot.remainder} の ${r.bids.find((b) => b.vendorId === r.lot!.winnerVendorId)?.vendorName ?? ''} が当選。`
        : '',
      decisions: (r.decisions ?? []).map((d) => `低入札価格調査: ${r.bids.find((b) => b.vendorId === d.vendorId)?.vendorName ?? ''} の入札を${d.confirm ? '採用' : '不採用'}（${d.reason}）`),
    };
  });
  const c = bidding.config;
  // drawn before the bidding concludes (a re-bid or an investigation pending) the tabulation lists no
  // reserved price, for whoever draws it: they are published with the result, never between rounds
  const shown = visiblePrices(row, c, bidding.rounds, false);
  const notYet = '事後公表（入札の終了後に記載）';
  const price = (value: number | null | undefined) => (value === undefined ? notYet : value === null ? '設定なし' : `${formatYen(value)}（税抜）`);
  return {
    author: await consortiumName(db, row),
    payload: {
      case: caseInfo(row),
      concluded: shown.concluded,
      prices: {
        ceiling: shown.ceilingPrice === null ? notYet : price(shown.ceilingPrice),
        floor: price(shown.floorPrice),
        investigation: price(shown.investigationPrice),
        taxRate: `${Math.round(Number(c.taxRate) * 100)}%`,
        lotMethod: `入札者が入力したくじ番号と${lotSourceLabels[c.lotSystemValue]}の和の下3桁を決定番号とし、決定番号の合計を対象者数で割った余りと受付順（0から）が一致する者を当選とする。`,
      },
      rounds,
      tables,
    },
  };
}

/**
 * The evaluation summary. `forPublic` leaves out each evaluator's totals: the published version shows
 * the committee's result, never what one member gave.
 */
export async function evaluationSummaryPayload(db: Db, row: CaseRow, anonymizeVendors: boolean, forPublic = false): Promise<{ payload: DocumentPayload; author: string } | null> {
  const found = await findEvaluation(db, row.id);
  if (!found?.row.closedAt) return null;
  const results = await computeResults(db, row.id, found.row);
  const label = new Map(results.vendors.map((v) => [v.vendorId, anonymizeVendors ? v.label : v.vendorName]));
  const name = (id: string) => label.get(id) ?? '';
  // evaluators are never named in the publishable summary
  const evaluatorLabel = (i: number) => `委員${i + 1}`;
  const tables: Record<string, TableSpec> = {
    ranking: rankingTable(results, (r) => name(r.vendorId)),
    averages: {
      columns: [{ header: '評価項目', width: { fraction: 0.34 } }, ...results.ranking.map((r) => ({ header: name(r.vendorId), align: 'right' as const }))],
      rows: results.criterionAverages.map((a) => [a.name, ...results.ranking.map((r) => (a.mode === 'pass_fail' ? `適 ${Math.round((a.byVendor[r.vendorId] ?? 0) * 100)}%` : points(a.byVendor[r.vendorId] ?? 0)))]),
    },
    evaluators: {
      columns: [{ header: '評価委員', width: { fraction: 0.2 } }, ...results.ranking.map((r) => ({ header: name(r.vendorId), align: 'right' as const }))],
      rows: results.evaluatorTotals.map((e, i) => [evaluatorLabel(i), ...results.ranking.map((r) => points(e.byVendor[r.vendorId] ?? 0))]),
    },
  };
  if (forPublic) delete tables.evaluators;
  const criteria = await criteriaTable(db, row);
  if (criteria) tables.criteria = criteria;
  const preferred = results.preferred ? name(results.preferred) : '該当なし';
  const runnerUp = results.runnerUp ? name(results.runnerUp) : '該当なし';
  return {
    author: await consortiumName(db, row),
    payload: {
      case: caseInfo(row),
      summary: {
        proposals: results.ranking.length,
        evaluators: results.evaluatorCount,
        technicalMax: points(results.technicalMax),
        passLine: points(results.passLine),
        aggregationLabel: aggregationLabels[found.row.aggregation],
        preferred,
        runnerUp,
        anonymized: anonymizeVendors,
      },
      tables,
    },
  };
}

export async function commentResponsesPayload(db: Db, row: CaseRow, anonymizeMembers: boolean): Promise<{ payload: DocumentPayload; author: string }> {
  const comments = await commentsOf(db, row.id);
  const letters = new Map<string, string>();
  const memberLabel = (id: string, real: string) => {
    if (!anonymizeMembers) return real;
    if (!letters.has(id)) letters.set(id, `団体${String.fromCharCode(65 + (letters.size % 26))}${letters.size >= 26 ? Math.floor(letters.size / 26) : ''}`);
    return letters.get(id)!;
  };
  const spec = await currentSpec(db, row.id);
  return {
    author: await consortiumName(db, row),
    payload: {
      case: caseInfo(row),
      version: spec?.version ?? null,
      count: comments.length,
      answered: comments.filter((c) => c.comment.response).length,
      tables: {
        comments: {
          columns: [
            { header: 'No.', width: { fraction: 0.06 }, align: 'right' },
            { header: '章', width: { fraction: 0.14 } },
            { header: '意見', width: { fraction: 0.3 } },
            { header: '団体', width: { fraction: 0.12 } },
            { header: '回答' },
            { header: '反映', width: { fraction: 0.07 }, align: 'center' },
          ],
          rows: comments.map((c, i) => [
            String(i + 1),
            c.comment.section,
            c.comment.text,
            memberLabel(c.comment.memberId, c.memberName),
            c.comment.response ?? '（未回答）',
            c.comment.reflected === null ? '—' : c.comment.reflected ? '○' : '—',
          ]),
        },
      },
    },
  };
}
