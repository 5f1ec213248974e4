import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { lotSourceLabels, outcomeLabels, quotationOutcomeLabels } from '../../domain/bidding.ts';
import { formatYen } from '../../domain/money.ts';
import { type OpenedRound, findBidding, visiblePrices } from '../../services/bidding.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, caseInfo, dateTimeOf, issuerOf, receiptTimeOf, bodyDate } from './common.ts';

type Bid = OpenedRound['bids'][number];

/** How a 見積合わせ and a tender name the same things. */
const wordsOf = (quotation: boolean) =>
  quotation
    ? { title: '見積合わせ経過調書', act: '見積合わせ', bid: '見積', amount: '見積金額（税抜）', bidders: '見積者', won: '決定', winner: '決定者', opening: '開封', outcomes: quotationOutcomeLabels }
    : { title: '入札経過調書', act: '入札', bid: '入札', amount: '入札金額（税抜）', bidders: '入札者', won: '落札', winner: '落札者', opening: '開札', outcomes: outcomeLabels };

/**
 * 入札経過調書: one grid per opened round with every bidder, its amount, くじ番号 and receipt time to
 * the millisecond (what the lot reads), the lot's system value and drawn number in the rows it concerns,
 * and the result of each bid. The winner is named only once a round has awarded: while a low bid is
 * investigated the award is held, and that bidder may yet be rejected. The reserved prices follow the
 * secrecy rule for everyone: drawn before the bidding concludes, they are 事後公表.
 */
export async function tabulationPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument | null> {
  const bidding = await findBidding(db, row.id);
  const opened = (bidding?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  if (!bidding || opened.length === 0) return null;
  const c = bidding.config;
  const w = wordsOf(row.method === 'quotation');
  const tables: Record<string, TableSpec> = {};

  // drawn before the bidding concludes (a re-bid or an investigation pending) the tabulation lists no
  // reserved price, for whoever draws it: they are published with the result, never between rounds
  const shown = visiblePrices(row, c, bidding.rounds, false);
  const rounds = opened.map((r) => {
    const lotEntry = new Map((r.lot?.entries ?? []).map((e) => [e.vendorId, e]));
    const winnerId = r.winner?.vendorId;
    const held = r.outcome === 'investigation';
    const resultOf = (b: Bid): string => {
      if (b.status === 'declined') return '辞退';
      if (b.status === 'rejected') return '失格（低入札価格調査）';
      if (b.status === 'below_floor') return '失格（最低制限価格未満）';
      if (b.status === 'over_ceiling') return '予定価格超過';
      const drawn = r.lot ? (b.vendorId === r.lot.winnerVendorId ? 'くじ当選' : 'くじ落選') : '';
      if (b.vendorId === winnerId && r.outcome === 'awarded') return drawn ? `${w.won}（${drawn}）` : w.won;
      if (b.vendorId === winnerId && held) return `保留（低入札価格調査中${drawn ? `・${drawn}` : ''}）`;
      if (drawn) return `有効（${drawn}）`;
      return b.status === 'investigation' ? '有効（調査基準価格未満）' : '有効';
    };
    // lowest first, 辞退 last; equal amounts in the order they were received (the lot's order)
    const ordered = [...r.bids].sort(
      (a, b) => (a.amount ?? Infinity) - (b.amount ?? Infinity) || new Date(a.receivedAt).getTime() - new Date(b.receivedAt).getTime(),
    );
    const key = `round${r.round}`;
    tables[key] = {
      columns: [
        { header: '事業者', width: { fraction: r.lot ? 0.22 : 0.25 } },
        { header: w.amount, width: { fraction: r.lot ? 0.14 : 0.15 }, align: 'right' },
        { header: 'くじ番号', width: { fraction: 0.08 }, align: 'center' },
        { header: '受付日時（ミリ秒まで）' },
        ...(r.lot ? [{ header: '電子くじ（受付順：システム値→決定番号）', width: { fraction: 0.14 }, align: 'center' as const }] : []),
        { header: '結果', width: { fraction: r.lot ? 0.19 : 0.25 } },
      ],
      rows: ordered.map((b) => {
        const entry = lotEntry.get(b.vendorId);
        const declined = b.status === 'declined' || b.amount === null;
        return [
          b.kind === 'paper' ? `${b.vendorName}（紙入札）` : b.vendorName,
          declined ? '辞退' : formatYen(b.amount!),
          // a 辞退 draws no lot: it has no number (000 would read as a number entered)
          declined ? '—' : String(b.lotNumber).padStart(3, '0'),
          receiptTimeOf(ctx, b.receivedAt),
          ...(r.lot ? [entry ? `${entry.order}：${String(entry.systemValue).padStart(3, '0')}→${String(entry.drawnNumber).padStart(3, '0')}` : '—'] : []),
          resultOf(b),
        ];
      }),
    };
    const winnerName = r.lot ? (r.bids.find((b) => b.vendorId === r.lot!.winnerVendorId)?.vendorName ?? '') : '';
    return {
      round: r.round,
      table: key,
      outcomeLabel: w.outcomes[r.outcome],
      openedAt: dateTimeOf(ctx, r.openedAt),
      bidders: r.bids.filter((b) => b.status !== 'declined').length,
      declined: r.bids.filter((b) => b.status === 'declined').length,
      reason: r.reason ?? null,
      // named only when the round has awarded: a held award names nobody
      winner:
        r.outcome === 'awarded' && r.winner
          ? { vendorName: r.winner.vendorName ?? '', amount: formatYen(r.winner.amount), amountWithTax: formatYen(r.winner.amountWithTax) }
          : null,
      held,
      lotText: r.lot
        ? `同額の${w.bid}が${r.lot.entries.length}者あったため電子くじを実施。決定番号（くじ番号と${lotSourceLabels[c.lotSystemValue]}の和の下3桁）の合計 ${r.lot.sum} ÷ くじの対象者数 ${r.lot.entries.length} ＝ ${Math.floor(r.lot.sum / r.lot.entries.length)} 余り ${r.lot.remainder}。受付順 ${r.lot.remainder} の ${winnerName} が当選。`
        : null,
      decisions: (r.decisions ?? []).map(
        (d) => `低入札価格調査（${bodyDate(ctx, d.at)}）：${r.bids.find((b) => b.vendorId === d.vendorId)?.vendorName ?? ''}の${w.bid}を${d.confirm ? '採用' : '失格'}（理由：${d.reason}）`,
      ),
    };
  });

  // why the bidding has not concluded, as the last opened round left it (said, not guessed, in the record)
  const last = opened.at(-1)!;
  const pendingReason =
    last.outcome === 'rebid'
      ? `第${last.round + 1}回の再度${w.bid}を行うため`
      : last.outcome === 'investigation'
        ? '低入札価格調査中のため'
        : `${w.act}が終了していないため`;
  const notYet = `事後公表（${w.act}の終了後に記載）`;
  const price = (value: number | null | undefined) => (value === undefined ? notYet : value === null ? '設定なし' : `${formatYen(value)}（税抜）`);
  const blank = (v: string) => (v.trim() === '' ? '—' : v);
  return {
    draft: false,
    payload: {
      case: caseInfo(row, ctx),
      issuer: issuerOf(ctx),
      words: w,
      concluded: shown.concluded,
      pendingReason,
      held: {
        // 入札日時 is each round's opening; 入札場所, 執行者 and 立会人 as the consortium's settings record them
        openings: opened.map((r) => `第${r.round}回　${dateTimeOf(ctx, r.openedAt)}`).join('\n'),
        place: blank(ctx.issuer.biddingPlace),
        executor: blank(ctx.issuer.executorName),
        witness: blank(ctx.issuer.witnessName),
      },
      prices: {
        ceiling: shown.ceilingPrice === null ? notYet : price(shown.ceilingPrice),
        floor: price(shown.floorPrice),
        investigation: price(shown.investigationPrice),
        taxRate: `${Math.round(Number(c.taxRate) * 100)}%`,
      },
      rounds,
      tables,
    },
  };
}
