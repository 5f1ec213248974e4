import type { Db } from '../../db/client.ts';
import type { CaseRow } from '../../db/cases.ts';
import { bidStatusLabels, lotSourceLabels, outcomeLabels } from '../../domain/bidding.ts';
import { formatYen } from '../../domain/money.ts';
import { type OpenedRound, findBidding, visiblePrices } from '../../services/bidding.ts';
import type { TableSpec } from '../layout.ts';
import { type BuiltDocument, type DocumentContext, caseInfo, issuerOf, when } from './common.ts';

export async function tabulationPayload(db: Db, row: CaseRow, ctx: DocumentContext): Promise<BuiltDocument | null> {
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
        draft: false,
    payload: {
      case: caseInfo(row),
      issuer: issuerOf(ctx),
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

