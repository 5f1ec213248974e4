import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { findVendor } from '../../db/tenancy.ts';
import { withTax } from '../../domain/bidding.ts';
import { sharesWithTax } from '../../domain/contracts.ts';
import { points } from '../../domain/format.ts';
import { Fraction } from '../../domain/fraction.ts';
import { contactLines } from '../../domain/issuer.ts';
import { negotiatedGroundCitation, negotiatedGrounds, selectedPartyLabel } from '../../domain/methods.ts';
import { formatYen } from '../../domain/money.ts';
import { findAward } from '../../services/award.ts';
import { type OpenedRound, findBidding } from '../../services/bidding.ts';
import { computeResults, findEvaluation } from '../../services/evaluation.ts';
import { issuedWithAward } from '../../services/years.ts';
import type { StoredYearShares } from '../../../schema/index.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, addresseeLines, caseInfo, issuerOf, memberOptionTable, placeMemberOptionTables, bodyDate } from './common.ts';

/**
 * The notice of the award to the vendor chosen, as a 契約担当 sends it: numbered and dated at the top
 * right (by the renderer), addressed at the left, the 発注者 at the right, the title, one sentence in 敬体
 * saying what was decided, then 記 with the items: 件名, 履行期間, 金額 (税抜, 消費税額, 税込), the
 * deadline to conclude the contract, how the decision came about (the lot, a low bid rejected after
 * investigation), each member's share, the members and their options, and 問合せ先 at the foot.
 *
 * The notice follows the method: a tender (一般競争入札, 総合評価落札方式) gives a 落札決定通知書; a
 * 見積合わせ a 見積合わせ結果通知書; a 随意契約 a 随意契約の相手方決定通知書; a 公募型プロポーザル a
 * 契約候補者特定通知書, whose price is only a reference: the contract amount is settled in the 随意契約
 * negotiation that follows.
 */
type NoticeKind = 'bid' | 'quotation' | 'negotiated' | 'proposal';

const titles: Record<NoticeKind, string> = {
  bid: '落札決定通知書',
  quotation: '見積合わせ結果通知書',
  negotiated: '随意契約の相手方決定通知書',
  proposal: '契約候補者特定通知書',
};

const kindOf = (method: CaseRow['method']): NoticeKind =>
  method === 'proposal' ? 'proposal' : method === 'negotiated' ? 'negotiated' : method === 'quotation' ? 'quotation' : 'bid';

/** 3 金額: what the award decided, with the tax added as the award added it (円未満切り捨て). */
function amountTable(amount: number | null, amountWithTax: number | null, taxRate: number): TableSpec | null {
  if (amount === null || amountWithTax === null) return null;
  return {
    columns: [
      { header: '金額（税抜）', align: 'right' },
      { header: `消費税及び地方消費税の額（${Math.round(taxRate * 100)}%）`, align: 'right' },
      { header: '金額（税込）', align: 'right' },
    ],
    rows: [[formatYen(amount), formatYen(amountWithTax - amount), formatYen(amountWithTax)]],
  };
}

/**
 * 参加団体ごとの負担額 from the shares the award issued: 税抜, 消費税額, 税込 a body. One contract for all
 * shares the award's taxed amount to the yen, so the column adds up to it; a contract per body is taxed
 * on its own, rounded down, and its sum may fall short of the award's by a few yen (said under the table).
 */
function sharesTable(issued: StoredYearShares | null, mode: CaseRow['contractMode'], award: { amount: number | null; amountWithTax: number | null; taxRate: string }) {
  if (!issued || issued.method === 'none' || issued.shares.length === 0) return null;
  const amounts = issued.shares.map((s) => s.amount);
  const sum = amounts.reduce((a, b) => a + b, 0);
  if (sum === 0) return null;
  const rate = Fraction.decimal(award.taxRate);
  const taxed =
    mode === 'individual'
      ? amounts.map((a) => withTax(a, rate))
      : sharesWithTax(amounts, award.amount === sum && award.amountWithTax !== null ? award.amountWithTax : withTax(sum, rate));
  const sumWithTax = taxed.reduce((a, b) => a + b, 0);
  // with options, how much of each share they make (the rest is the body's part of the base)
  const options = issued.optionTotal > 0;
  const table: TableSpec = {
    columns: [
      { header: '参加団体', width: { fraction: options ? 0.24 : 0.31 } },
      { header: '負担額（税抜）', align: 'right' },
      ...(options ? [{ header: 'うちオプション料金', align: 'right' as const }] : []),
      { header: '消費税及び地方消費税の額', align: 'right' },
      { header: '負担額（税込）', align: 'right' },
    ],
    rows: [
      ...issued.shares.map((s, i) => [s.memberName, formatYen(s.amount), ...(options ? [formatYen(s.optionCharges)] : []), formatYen(taxed[i]! - s.amount), formatYen(taxed[i]!)]),
      ['合計', formatYen(sum), ...(options ? [formatYen(issued.optionTotal)] : []), formatYen(sumWithTax - sum), formatYen(sumWithTax)],
    ],
  };
  return { table, sum, sumWithTax, party: issued.party?.name ?? '' };
}

export async function awardPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument | null> {
  const found = await findAward(db, row.id);
  if (!found) return null;
  const award = found.award;
  const kind = kindOf(row.method);
  const quotation = kind === 'quotation';
  const w = quotation ? { act: '見積合わせ', bid: '見積', winner: '契約の相手方', bidders: '見積者' } : { act: '入札', bid: '入札', winner: '落札者', bidders: '入札者' };
  const vendor = await findVendor(db, row.consortiumId, award.vendorId);
  const addressee = addresseeLines({ name: found.vendorName, address: vendor?.address ?? null, representative: vendor?.representative ?? null });

  // the notice shows what the award issued: a joiner or a change after it never redraws it
  const issued = await issuedWithAward(db, row.id);
  const members = await memberOptionTable(db, row, ctx, issued);
  const tables: Record<string, TableSpec> = {};
  // many options: headed by codes (①②…) in tables of a few options each, with the legend
  const memberOptionParts = placeMemberOptionTables(tables, members);
  const taxRate = Number(award.taxRate);
  const amount = amountTable(award.amount, award.amountWithTax, taxRate);
  if (amount) tables.amount = amount;
  const shares = sharesTable(issued, row.contractMode, award);
  if (shares) tables.shares = shares.table;

  // 履行期間: a case records no contract period of its own, so the period is the fiscal year the award
  // issued its shares for (award.fiscalYear, else the case's year), to 31 March; it starts on 1 April, or
  // on the day the contract is concluded when the award is decided inside that year (a period cannot
  // begin before the notice that leads to the contract). An award decided after that year has ended
  // names no dates the contract could not keep: the contract sets them.
  const fiscalYear = award.fiscalYear ?? row.fiscalYear;
  const yearStart = new Date(`${fiscalYear}-04-01T00:00:00+09:00`);
  const yearEnd = new Date(`${fiscalYear + 1}-04-01T00:00:00+09:00`);
  const lastDay = new Date(`${fiscalYear + 1}-03-31T00:00:00+09:00`);
  const decidedAt = award.decidedAt.getTime();
  const period =
    decidedAt >= yearEnd.getTime()
      ? '契約書に定める期間'
      : `${decidedAt >= yearStart.getTime() ? '契約締結の日' : bodyDate(ctx, yearStart)}から${bodyDate(ctx, lastDay)}まで`;

  // how the decision came about (5 決定の経緯), in 敬体; the rejected low bidder is not named here
  const history: string[] = [];
  let held = '';
  const bidding = kind === 'bid' || quotation ? await findBidding(db, row.id) : null;
  const opened = (bidding?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  const last = opened.at(-1);
  if (kind === 'bid' || quotation) {
    const method = row.method === 'comprehensive' ? '総合評価落札方式による' : '';
    held = last
      ? `${bodyDate(ctx, last.openedAt)}に${quotation ? '実施した' : '執行した'}${method}${last.round > 1 ? `再度${w.bid}（第${last.round}回）` : w.act}`
      : `「${row.title}」の${method}${w.act}`;
    const first = opened[0];
    if (first) {
      const declined = first.bids.filter((b) => b.status === 'declined').length;
      // counted as the tabulation counts them: the 入札者 are those who bid, a 辞退 is said beside them
      history.push(`${w.bidders}${first.bids.length - declined}者${declined > 0 ? `（ほかに辞退${declined}者）` : ''}により${opened.length}回の${w.bid}を行いました。経過は別途公表する「${quotation ? '見積合わせ経過調書' : '入札経過調書'}」のとおりです。`);
    }
    if (opened.length > 1) history.push(`予定価格の範囲内の${w.bid}がなかったため、再度${w.bid}を行いました。`);
    if (last && award.basis === 'bidding') {
      const rejected = (last.decisions ?? []).filter((d) => !d.confirm).length;
      if (rejected === 1) history.push(`低入札価格調査の結果、最低価格の${w.bid}を失格としました。`);
      if (rejected > 1) history.push(`低入札価格調査の結果、価格の低い順に${rejected}者の${w.bid}を失格としました。`);
      if ((last.decisions ?? []).some((d) => d.confirm && d.vendorId === award.vendorId)) {
        history.push(`貴社の${w.bid}は低入札価格調査基準価格を下回りましたが、調査の結果、契約の内容に適合した履行がされると認めました。`);
      }
      if (last.lot && last.lot.winnerVendorId === award.vendorId) {
        const entry = last.lot.entries.find((e) => e.vendorId === award.vendorId)!;
        history.push(
          `貴社を含む${last.lot.entries.length}者が同額の${w.bid}となったため、電子くじにより${w.winner}を決定しました（決定番号の合計 ${last.lot.sum} ÷ くじの対象者数 ${last.lot.entries.length} ＝ ${Math.floor(last.lot.sum / last.lot.entries.length)} 余り ${last.lot.remainder}、受付順 ${entry.order} の貴社が当選）。`,
        );
      }
      if (row.method === 'comprehensive') history.push('価格と技術評価点による評価値が最も高い入札を落札としました。');
    }
    if (award.basis === 'manual') history.push(`${w.act}の結果を踏まえ、事務局の決定により貴社を${w.winner}と決定しました。`);
  } else if (kind === 'proposal') {
    const evaluation = await findEvaluation(db, row.id);
    held = evaluation?.row.closedAt ? `${bodyDate(ctx, evaluation.row.closedAt)}に審査を終えた公募型プロポーザル` : '公募型プロポーザル';
    if (evaluation?.row.closedAt && award.basis === 'evaluation') {
      const results = await computeResults(db, row.id, evaluation.row);
      const mine = results.ranking.find((r) => r.vendorId === award.vendorId);
      history.push(
        `評価委員${results.evaluatorCount}人による提案の評価の結果、貴社の提案が最も高い評価を得ました${mine ? `（合計点 ${points(mine.total)}点、技術点の満点 ${points(results.technicalMax)}点、最低基準点 ${points(results.passLine)}点）` : ''}。評価の結果は別途公表する「評価結果」のとおりです。`,
      );
    } else history.push('提案の評価の結果を踏まえ、貴社を契約候補者（優先交渉権者）として特定しました。');
  } else {
    const ground = row.negotiatedGround ?? '';
    if (ground) history.push(`本件は、${negotiatedGroundCitation(ground)}（${negotiatedGrounds[ground as keyof typeof negotiatedGrounds] ?? ''}）に該当します。`);
    if (row.negotiatedReason) history.push(`理由：${row.negotiatedReason}`);
  }

  const sharesNote: string[] = [];
  if (shares) {
    if (row.contractMode === 'bulk') sharesNote.push(`契約は${shares.party || '協議会'}が参加団体を代表して一括して締結します。`);
    else {
      sharesNote.push('契約は参加団体ごとに締結し、消費税及び地方消費税の額は契約ごとに円未満を切り捨てて計算します。');
      if (award.amountWithTax !== null && shares.sumWithTax !== award.amountWithTax) sharesNote.push(`このため、税込の合計は3の金額（税込）と${formatYen(award.amountWithTax - shares.sumWithTax)}異なります。`);
    }
    if (kind === 'proposal') sharesNote.push('上表は提案価格による見込みです。契約金額が協議により定まったときは、負担額を改めて算定します。');
  }

  return {
    draft: false,
    payload: {
      case: caseInfo(row, ctx),
      issuer: issuerOf(ctx),
      notice: {
        title: titles[kind],
        isBid: kind === 'bid',
        isQuotation: quotation,
        isNegotiated: kind === 'negotiated',
        isProposal: kind === 'proposal',
        addressee,
        vendorName: found.vendorName,
        partyLabel: selectedPartyLabel(row.method),
        held,
        negotiatedCitation: row.negotiatedGround ? negotiatedGroundCitation(row.negotiatedGround) : '地方自治法施行令第167条の2第1項',
        period,
        amountLabel: { bid: '落札金額', quotation: '決定金額', negotiated: '契約予定金額', proposal: '提案価格（参考）' }[kind],
        historyHeading: kind === 'negotiated' ? '随意契約の理由' : '決定の経緯',
        history,
        sharesHeading: kind === 'proposal' ? '参加団体ごとの負担額（見込み）' : '参加団体ごとの負担額',
        sharesNote,
        participantCount: members.count,
        // 問合せ先: the first line beside the heading, the rest under it
        contact: contactLines(ctx.issuer),
        contactMore: contactLines(ctx.issuer).slice(1),
      },
      hasAmount: Boolean(amount),
      memberOptionParts,
      hasShares: Boolean(shares),
      // 7 参加団体及びオプション: only a case with options says more than the shares already do
      hasOptions: row.options.length > 0,
      hasAttachment: Boolean(shares) || row.options.length > 0,
      tables,
    },
  };
}
