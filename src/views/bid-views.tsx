import { bidStatusLabels, outcomeLabels, quotationOutcomeLabels } from '../domain/bidding.ts';
import type { OpenedRound } from '../services/bidding.ts';
import { dateTime, yen } from './format.ts';

const three = (n: number) => String(n).padStart(3, '0');

/** The opening of one round: every bid with its status, the winner, and the lot's arithmetic when there was one. */
export function RoundResultView({ result, vendorLabel, word = '入札' }: { result: OpenedRound; vendorLabel?: (id: string, name: string) => string; word?: '入札' | '見積' }) {
  // 見積合わせ decides a 見積 by the same rules, and names it so
  const winnerLabel = word === '見積' ? '決定者' : '落札者';
  const name = (id: string, fallback: string) => (vendorLabel ? vendorLabel(id, fallback) : fallback);
  const sorted = [...result.bids].sort((a, b) => (a.amount ?? Infinity) - (b.amount ?? Infinity));
  return (
    <section class="card" aria-label={`第${result.round}回の開札結果`}>
      <h3>
        第{result.round}回 開札結果: {(word === '見積' ? quotationOutcomeLabels : outcomeLabels)[result.outcome]}
      </h3>
      <p class="muted">開札日時: {dateTime(result.openedAt)}</p>
      {result.winner ? (
        <p>
          {result.outcome === 'investigation' ? `${winnerLabel.replace('者', '候補者')}（調査中）` : winnerLabel}: <strong>{name(result.winner.vendorId, result.winner.vendorName ?? '')}</strong> ／ {word}金額 {yen(result.winner.amount)}（税抜）／ 契約金額 {yen(result.winner.amountWithTax)}（税込）
        </p>
      ) : null}
      <div class="table-wrap">
        <table class="ledger">
          <caption>{word}の一覧（金額の低い順）</caption>
          <thead>
            <tr>
              <th scope="col">事業者</th>
              <th scope="col" class="num">{word}金額（税抜）</th>
              <th scope="col">区分</th>
              <th scope="col">受付日時</th>
              <th scope="col">判定</th>
              {result.bids.some((b) => b.evaluationValue !== undefined) ? <th scope="col" class="num">評価値</th> : null}
            </tr>
          </thead>
          <tbody>
            {sorted.map((b) => (
              <tr>
                <th scope="row">{name(b.vendorId, b.vendorName)}</th>
                <td class="num">{b.amount === null ? '—' : yen(b.amount)}</td>
                <td>{b.kind === 'paper' ? '紙' : b.kind === 'declined' ? '辞退' : '電子'}</td>
                <td>{dateTime(b.receivedAt)}</td>
                <td>{bidStatusLabels[b.status]}</td>
                {result.bids.some((x) => x.evaluationValue !== undefined) ? <td class="num">{b.evaluationValue === undefined ? '—' : b.evaluationValue.toFixed(4)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.lot ? (
        <div class="table-wrap">
          <table>
            <caption>電子くじ（同額の入札 {result.lot.entries.length} 者）</caption>
            <thead>
              <tr>
                <th scope="col" class="num">順番（受付順）</th>
                <th scope="col">事業者</th>
                <th scope="col" class="num">くじ番号</th>
                <th scope="col" class="num">システム値</th>
                <th scope="col" class="num">決定番号（和の下3桁）</th>
              </tr>
            </thead>
            <tbody>
              {result.lot.entries.map((e) => (
                <tr>
                  <td class="num">{e.order}</td>
                  <th scope="row">{name(e.vendorId, result.bids.find((b) => b.vendorId === e.vendorId)?.vendorName ?? '')}</th>
                  <td class="num">{three(e.lotNumber)}</td>
                  <td class="num">{three(e.systemValue)}</td>
                  <td class="num">{three(e.drawnNumber)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            決定番号の合計 {result.lot.sum} ÷ {result.lot.entries.length}（くじの対象者数）＝ {Math.floor(result.lot.sum / result.lot.entries.length)} 余り {result.lot.remainder} → 順番 {result.lot.remainder} の{' '}
            {name(result.lot.winnerVendorId, result.bids.find((b) => b.vendorId === result.lot!.winnerVendorId)?.vendorName ?? '')} が当選
          </p>
        </div>
      ) : null}
      {result.decisions?.map((d) => (
        <p class="notice">
          低入札価格調査: {name(d.vendorId, result.bids.find((b) => b.vendorId === d.vendorId)?.vendorName ?? '')} の入札を{d.confirm ? '採用' : '不採用'}（理由: {d.reason}、{dateTime(d.at)}）
        </p>
      ))}
    </section>
  );
}
