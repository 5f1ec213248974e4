import { and, asc, eq } from 'drizzle-orm';
import { announcesChanges } from '../../domain/addenda.ts';
import { ReasonField } from '../../views/addenda.tsx';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bids as bidsTable, vendors } from '../../../schema/index.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import type { CaseRow } from '../../db/cases.ts';
import { type RoundResult, lotSourceLabels, withTax } from '../../domain/bidding.ts';
import { rebidRefusal } from '../../domain/rebid.ts';
import { isOnTime } from '../../domain/deadline.ts';
import { Fraction } from '../../domain/fraction.ts';
import { AppError } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { checkBidDigest } from '../../services/seal.ts';
import {
  type OpenedRound,
  bidInput,
  biddingInput,
  decideInvestigation,
  decisionInput,
  findBidding,
  openRound,
  ownBids,
  paperBidInput,
  recordPaperBid,
  roundForViewer,
  roundInput,
  setBidding,
  startRebid,
  submitBid,
  visiblePrices,
} from '../../services/bidding.ts';
import { scheduleChangeList } from '../../services/schedule.ts';
import { ScheduleChanges } from '../../views/schedule-views.tsx';
import { loadCase } from '../../services/case-access.ts';
import { submissionBarrier } from '../../services/qualification.ts';
import { QualificationNotice } from '../../views/qualification.tsx';
import { RoundResultView } from '../../views/bid-views.tsx';
import { dateTime, fromLocalInput, keptOrTyped, toLocalInput, yen } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, formError, decimalField, integerField, isFormError, readForm, typedNumber } from './form.ts';
import { BackToCase } from '../../views/case-views.tsx';
import { issueAfterEvent } from '../../services/issued-documents.ts';

// 見積合わせ takes quotes (見積) through the same pages as a tender takes bids (入札)
const bidWord = (row: CaseRow) => (row.method === 'quotation' ? '見積' : '入札');

/** An opened round, with the reason where a rule other than the prices decided it (見積合わせ with too few quotes). */
const OpenedRoundView = ({ result, word }: { result: OpenedRound; word: '入札' | '見積' }) => (
  <>
    {result.reason ? (
      <p class="notice" role="status">
        第{result.round}回: {result.reason}
      </p>
    ) : null}
    <RoundResultView result={result} word={word} />
  </>
);

async function vendorBidPage(c: Ctx, caseId: string, error?: string, status: ContentfulStatusCode = 400, confirm?: { amount: number; lotNumber: number }) {
  const { user, row } = await loadCase(c, caseId, 'vendor');
  const found = await findBidding(dbOf(c), row.id);
  if (!found) throw new AppError('not_found', 'この案件には入札の設定がありません。');
  const { config, rounds } = found;
  const current = rounds.at(-1)!;
  const mine = await ownBids(dbOf(c), c.get('deps').keys, row, user.vendorId!);
  const submitted = mine.find((b) => b.round === current.round);
  const barrier = await submissionBarrier(dbOf(c), user.consortiumId, user.vendorId!);
  // a re-bid round is only for those over the ceiling in the round before: the others are told why, with no form
  const refusal = rebidRefusal(current.round, rounds.find((r) => r.round === current.round - 1)?.result as RoundResult | null | undefined, user.vendorId!);
  const open = row.state === 'open' && !current.openedAt && isOnTime(nowOf(c), current.deadlineAt) && !submitted && !barrier && !refusal;
  // the reserved prices as a bidder may see them: a closed ceiling, the floor and the threshold wait for the conclusion
  const prices = visiblePrices(row, config, rounds, false);
  const opened = rounds.filter((r) => r.openedAt).map((r) => roundForViewer(r.result as unknown as OpenedRound, prices.ceilingPrice !== null));
  const changes = await scheduleChangeList(dbOf(c), row.id);
  const taxRate = Fraction.decimal(config.taxRate);
  const done = c.req.query('done');
  return renderPage(
    c,
    <Layout title={`${bidWord(row)} | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>{bidWord(row)}（第{current.round}回）</h1>
      <SuccessBox message={done === 'bid' ? '入札を受け付けました。下の受付票を保存してください。' : done === 'decline' ? '辞退を受け付けました。' : undefined} />
      <ErrorBox message={error} />
      <QualificationNotice standing={barrier} />
      <dl class="summary card">
        <dt>入札締切</dt>
        <dd>{dateTime(current.deadlineAt)}</dd>
        <dt>開札日時</dt>
        <dd>{dateTime(current.openingAt)}</dd>
        <dt>予定価格</dt>
        <dd>{prices.ceilingPrice !== null ? `${yen(prices.ceilingPrice)}（税抜）` : '事後公表'}</dd>
        {prices.concluded ? (
          <>
            <dt>最低制限価格</dt>
            <dd>{prices.floorPrice ? `${yen(prices.floorPrice)}（税抜）` : '設定なし'}</dd>
            <dt>低入札価格調査基準価格</dt>
            <dd>{prices.investigationPrice ? `${yen(prices.investigationPrice)}（税抜）` : '設定なし'}</dd>
          </>
        ) : null}
        <dt>くじの方式</dt>
        <dd>入力したくじ番号と{lotSourceLabels[config.lotSystemValue]}による電子くじ</dd>
      </dl>
      <ScheduleChanges changes={changes} />
      {confirm ? (
        <form method="post" action={`/cases/${row.id}/bid/confirm`} class="card">
          <h2>入札内容の確認</h2>
          <dl class="summary">
            <dt>入札金額（税抜）</dt>
            <dd>
              <strong>{yen(confirm.amount)}</strong>
            </dd>
            <dt>参考: 税込金額</dt>
            <dd>{yen(withTax(confirm.amount, taxRate))}</dd>
            <dt>くじ番号</dt>
            <dd>{String(confirm.lotNumber).padStart(3, '0')}</dd>
          </dl>
          <p class="notice">入札後は変更も取り消しもできません。金額は開札まで誰にも（事務局にも）見えません。</p>
          <input type="hidden" name="amount" value={String(confirm.amount)} />
          <input type="hidden" name="lotNumber" value={String(confirm.lotNumber)} />
          <div class="actions">
            <button class="primary" type="submit">
              この内容で入札する
            </button>
            <a href={`/cases/${row.id}/bid`}>修正する</a>
          </div>
        </form>
      ) : open ? (
        <>
          <form method="post" action={`/cases/${row.id}/bid`} class="card">
            <h2>{bidWord(row)}書</h2>
            <label for="amount">入札金額（円・税抜）</label>
            <input id="amount" name="amount" type="text" inputmode="numeric" required autocomplete="off" />
            <label for="lotNumber">くじ番号（000〜999の3桁）</label>
            <input id="lotNumber" name="lotNumber" type="text" inputmode="numeric" pattern="\d{1,3}" maxlength={3} required autocomplete="off" aria-describedby="lot-help" />
            <p id="lot-help" class="muted">
              同額の入札があったときの電子くじに使います。
            </p>
            <button class="primary" type="submit">
              確認画面へ
            </button>
          </form>
          <form method="post" action={`/cases/${row.id}/bid/decline`} class="card">
            <h2>辞退</h2>
            <p>この回に入札しない場合は、辞退を届け出てください。辞退は取り消せず、この回の入札もできなくなります。</p>
            <label class="checkbox">
              <input type="checkbox" name="confirm" required />
              第{current.round}回の{bidWord(row)}を辞退し、取り消せないことを確認しました
            </label>
            <button class="secondary" type="submit">
              辞退する
            </button>
          </form>
        </>
      ) : refusal && !submitted && !current.openedAt ? (
        <p class="notice" id="rebid-refusal">
          {refusal}
        </p>
      ) : !submitted ? (
        <p class="muted">現在、この回の入札は受け付けていません。</p>
      ) : null}
      {mine.length > 0 ? (
        <section aria-labelledby="receipts-heading">
          <h2 id="receipts-heading">受付票</h2>
          <div class="table-wrap">
          <table class="ledger">
            <caption class="sr-only">この案件の受付票</caption>
            <thead>
              <tr>
                <th scope="col">回</th>
                <th scope="col">区分</th>
                <th scope="col">受付日時</th>
                <th scope="col">ダイジェスト（SHA-256）</th>
                <th scope="col" class="num">開札後の金額</th>
                <th scope="col">確認</th>
              </tr>
            </thead>
            <tbody>
              {mine.map((b) => (
                <tr>
                  <td>第{b.round}回</td>
                  <td>{b.kind === 'declined' ? '辞退' : b.kind === 'paper' ? '紙' : '電子'}</td>
                  <td>{dateTime(b.receivedAt)}</td>
                  <td>
                    <code class="hash">{b.digest}</code>
                  </td>
                  <td class="num">{b.kind === 'declined' ? '—' : 'amount' in b && b.amount !== null && b.amount !== undefined ? yen(b.amount) : '開札前'}</td>
                  <td>
                    <a href={`/bid-digest?case=${row.id}&round=${b.round}`} aria-label={`第${b.round}回のダイジェストを確認する`}>
                      ダイジェストを確認
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
          <p class="muted">開札後は「ダイジェストを確認」で、受付票のダイジェストが入札内容から計算したものと一致するかを確かめられます。</p>
        </section>
      ) : null}
      {opened.map((r) => (
        <OpenedRoundView result={r} word={bidWord(row)} />
      ))}
    </Layout>,
    error ? status : 200,
  );
}

/** The tender setup as typed: amounts, rates and times as text, so a mistyped one comes back as it was. */
interface PostedSetup {
  ceilingPrice: string;
  floorPrice: string;
  investigationPrice: string;
  taxRate: string;
  deadlineAt: string;
  openingAt: string;
  maxRounds: string;
  lotSystemValue: string;
  ceilingPublic: boolean;
  mode: string;
  pricePoints: string;
  technicalScores: Record<string, string>;
  reason: string;
}

async function adminBidPage(c: Ctx, caseId: string, error?: string, posted?: PostedSetup, status: ContentfulStatusCode = 400) {
  const { user, row } = await loadCase(c, caseId, 'secretariat');
  const db = dbOf(c);
  const found = await findBidding(db, row.id);
  const list = await db.select({ id: vendors.id, name: vendors.name, qualification: vendors.qualification }).from(vendors).where(eq(vendors.consortiumId, row.consortiumId)).orderBy(asc(vendors.name));
  const current = found?.rounds.at(-1);
  const received = current
    ? await db
        .select({ vendorId: bidsTable.vendorId, kind: bidsTable.kind, receivedAt: bidsTable.receivedAt })
        .from(bidsTable)
        .where(and(eq(bidsTable.caseId, row.id), eq(bidsTable.round, current.round)))
        .orderBy(asc(bidsTable.receivedAt))
    : [];
  const results = (found?.rounds ?? []).filter((r) => r.openedAt).map((r) => r.result as unknown as OpenedRound);
  const last = results.at(-1);
  // once a bid has arrived the terms are fixed and the times only move later, with a reason
  const locked = received.length > 0;
  const changes = await scheduleChangeList(db, row.id);
  const config = found?.config;
  const now = nowOf(c);
  const done = c.req.query('done');
  const nameOf = (id: string) => list.find((v) => v.id === id)?.name ?? '';
  const shown: PostedSetup = posted ?? {
    ceilingPrice: config ? String(config.ceilingPrice) : '',
    floorPrice: config?.floorPrice ? String(config.floorPrice) : '',
    investigationPrice: config?.investigationPrice ? String(config.investigationPrice) : '',
    taxRate: config ? config.taxRate : '0.1',
    deadlineAt: toLocalInput(current?.deadlineAt),
    openingAt: toLocalInput(current?.openingAt),
    maxRounds: String(config?.maxRounds ?? 3),
    lotSystemValue: config?.lotSystemValue ?? '',
    ceilingPublic: config?.ceilingPublic ?? false,
    mode: config?.comprehensive?.mode ?? '',
    pricePoints: String(config?.comprehensive?.pricePoints ?? 0),
    technicalScores: Object.fromEntries(Object.entries(config?.comprehensive?.technicalScores ?? {}).map(([id, score]) => [id, String(score)])),
    reason: '',
  };
  return renderPage(
    c,
    <Layout title={`${bidWord(row)}の管理 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>{bidWord(row)}の管理（事務局）</h1>
      <SuccessBox message={{ setup: '入札の設定を保存しました。', paper: '紙の入札を記録しました。', open: '開札しました。', rebid: '再度入札の回を設けました。', decision: '調査の結果を記録しました。' }[done ?? '']} />
      <ErrorBox message={error} />
      {!results.length ? (
        <form method="post" action={`/cases/${row.id}/bidding`} class="card">
          <h2>{bidWord(row)}の設定</h2>
          {locked ? (
            <p class="notice">
              入札を受け付けたため、予定価格などの価格、入札回数の上限、電子くじの方式、消費税率は変更できません。入札締切と開札日時は、変更理由を添えて延長（後ろへの変更）のみできます。変更は全事業者に表示されます。
            </p>
          ) : null}
          <div class="grid4">
            <div>
              <label for="ceilingPrice">予定価格（円・税抜）</label>
              <input id="ceilingPrice" name="ceilingPrice" type="text" inputmode="numeric" required value={shown.ceilingPrice} readonly={locked} />
            </div>
            <div>
              <label for="floorPrice">最低制限価格（任意）</label>
              <input id="floorPrice" name="floorPrice" type="text" inputmode="numeric" value={shown.floorPrice} readonly={locked} />
            </div>
            <div>
              <label for="investigationPrice">低入札価格調査基準価格（任意）</label>
              <input id="investigationPrice" name="investigationPrice" type="text" inputmode="numeric" value={shown.investigationPrice} readonly={locked} />
            </div>
            <div>
              <label for="taxRate">消費税率</label>
              <input id="taxRate" name="taxRate" type="text" inputmode="decimal" value={shown.taxRate} readonly={locked} />
            </div>
            <div>
              <label for="deadlineAt">入札締切</label>
              <input id="deadlineAt" name="deadlineAt" type="datetime-local" required value={shown.deadlineAt} />
            </div>
            <div>
              <label for="openingAt">開札日時</label>
              <input id="openingAt" name="openingAt" type="datetime-local" required value={shown.openingAt} />
            </div>
            <div>
              <label for="maxRounds">入札回数の上限</label>
              <input id="maxRounds" name="maxRounds" type="number" min="1" max="10" value={shown.maxRounds} readonly={locked} />
            </div>
            <div>
              <label for="lotSystemValue">電子くじのシステム値</label>
              <select id="lotSystemValue" name="lotSystemValue">
                {Object.entries(lotSourceLabels).map(([k, label]) => (
                  <option value={k} selected={shown.lotSystemValue === k}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <label class="checkbox">
            <input type="checkbox" name="ceilingPublic" checked={shown.ceilingPublic} />
            予定価格を事前に公表する
          </label>
          {row.method === 'comprehensive' ? (
            <fieldset>
              <legend>総合評価</legend>
              <label for="mode">方式</label>
              <select id="mode" name="mode">
                <option value="additive" selected={shown.mode !== 'division'}>
                  加算方式
                </option>
                <option value="division" selected={shown.mode === 'division'}>
                  除算方式
                </option>
              </select>
              <label for="pricePoints">価格点の配点（加算方式）</label>
              <input id="pricePoints" name="pricePoints" type="text" inputmode="decimal" value={shown.pricePoints} />
              {list.map((v) => (
                <div>
                  <label for={`tech-${v.id}`}>{v.name} の技術点</label>
                  <input id={`tech-${v.id}`} name={`tech_${v.id}`} type="text" inputmode="decimal" value={shown.technicalScores[v.id] ?? ''} />
                </div>
              ))}
            </fieldset>
          ) : null}
          <ReasonField id="reason" value={shown.reason} published={announcesChanges(row)} />
          <button class="primary" type="submit">
            入札の設定を保存
          </button>
        </form>
      ) : null}
      <ScheduleChanges changes={changes} />
      {current ? (
        <section aria-labelledby="received-heading">
          <h2 id="received-heading">第{current.round}回の受付状況</h2>
          <p>
            締切 {dateTime(current.deadlineAt)} ／ 開札 {dateTime(current.openingAt)} ／ 受付件数: <strong data-bid-count={`/api/cases/${row.id}/bids`}>{received.length}</strong> 件{current.openedAt ? '（開札済み。金額は下の開札結果のとおり）' : '（金額は開札まで表示されません）'}
          </p>
          {received.length > 0 ? (
            <table>
              <caption>{current.openedAt ? '受け付けた入札（金額は下の開札結果に表示しています）' : '受け付けた入札（金額は開札まで表示されません）'}</caption>
              <thead>
                <tr>
                  <th scope="col">事業者</th>
                  <th scope="col">区分</th>
                  <th scope="col">受付日時</th>
                </tr>
              </thead>
              <tbody>
                {received.map((b) => (
                  <tr>
                    <th scope="row">{nameOf(b.vendorId)}</th>
                    <td>{b.kind === 'paper' ? '紙' : b.kind === 'declined' ? '辞退' : '電子'}</td>
                    <td>{dateTime(b.receivedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {!current.openedAt ? (
            <>
              <form method="post" action={`/cases/${row.id}/bidding/paper`} class="card">
                <h3>紙の入札の記録</h3>
                <div class="grid4">
                  <div>
                    <label for="paper-vendor">事業者</label>
                    <select id="paper-vendor" name="vendorId">
                      {/* only vendors with 入札参加資格 bid, on paper as online */}
                      {list
                        .filter((v) => v.qualification === 'approved')
                        .map((v) => (
                          <option value={v.id}>{v.name}</option>
                        ))}
                    </select>
                  </div>
                  <div>
                    <label for="paper-amount">入札金額（円・税抜）</label>
                    <input id="paper-amount" name="amount" type="text" inputmode="numeric" required />
                  </div>
                  <div>
                    <label for="paper-lot">くじ番号（空欄は000）</label>
                    <input id="paper-lot" name="lotNumber" type="text" inputmode="numeric" maxlength={3} />
                  </div>
                  <div>
                    <label for="paper-received">受付日時</label>
                    <input id="paper-received" name="receivedAt" type="datetime-local" required />
                  </div>
                </div>
                <button class="secondary" type="submit">
                  記録する
                </button>
              </form>
              <form method="post" action={`/cases/${row.id}/bidding/open`} class="card">
                <h3>開札</h3>
                {now.getTime() < current.openingAt.getTime() ? <p class="muted">開札日時（{dateTime(current.openingAt)}）になると開札できます。</p> : null}
                <label class="checkbox">
                  <input type="checkbox" name="confirm" required />
                  開札すると取り消せないことを確認しました
                </label>
                <button class="primary" type="submit">
                  開札する
                </button>
              </form>
            </>
          ) : null}
        </section>
      ) : null}
      {results.map((r) => (
        <OpenedRoundView result={r} word={bidWord(row)} />
      ))}
      {last?.outcome === 'rebid' && current && config && current.round < config.maxRounds ? (
        <form method="post" action={`/cases/${row.id}/bidding/rebid`} class="card">
          <h3>再度入札（第{current.round + 1}回）</h3>
          <p>予定価格を超えた事業者のみが参加できます。</p>
          <div class="grid4">
            <div>
              <label for="rebid-deadline">入札締切</label>
              <input id="rebid-deadline" name="deadlineAt" type="datetime-local" required />
            </div>
            <div>
              <label for="rebid-opening">開札日時</label>
              <input id="rebid-opening" name="openingAt" type="datetime-local" required />
            </div>
          </div>
          <button class="primary" type="submit">
            再度入札を行う
          </button>
        </form>
      ) : null}
      {last?.outcome === 'investigation' ? (
        <form method="post" action={`/cases/${row.id}/bidding/investigation`} class="card">
          <h3>低入札価格調査の結果</h3>
          <fieldset>
            <legend>調査の結果</legend>
            <label class="checkbox">
              <input type="radio" name="confirm" value="true" required />
              履行可能と認め、落札者とする
            </label>
            <label class="checkbox">
              <input type="radio" name="confirm" value="false" />
              履行できないおそれがあり、不採用とする
            </label>
          </fieldset>
          <label for="decision-reason">理由（記録に残ります）</label>
          <input id="decision-reason" name="reason" type="text" required />
          <button class="primary" type="submit">
            記録する
          </button>
        </form>
      ) : null}
      <script src="/assets/bids-count.js" defer />
    </Layout>,
    error ? status : 200,
  );
}

function biddingFromForm(form: Form, vendorIds: string[], round1?: { deadlineAt: Date; openingAt: Date }) {
  const num = (name: string) => integerField(form, name);
  const time = (name: 'deadlineAt' | 'openingAt') => keptOrTyped(field(form, name), round1?.[name]);
  const reason = field(form, 'reason').trim();
  const optional = (name: string) => (field(form, name).trim() === '' ? null : num(name));
  const techs: Record<string, number> = {};
  for (const id of vendorIds) {
    const raw = field(form, `tech_${id}`).trim();
    if (raw !== '') techs[id] = typedNumber(raw, { decimal: true }) ?? Number.NaN;
  }
  return {
    ceilingPrice: num('ceilingPrice'),
    ceilingPublic: field(form, 'ceilingPublic') === 'on',
    floorPrice: optional('floorPrice'),
    investigationPrice: optional('investigationPrice'),
    deadlineAt: time('deadlineAt'),
    openingAt: time('openingAt'),
    maxRounds: num('maxRounds') ?? 3,
    lotSystemValue: field(form, 'lotSystemValue') || 'receipt_ms',
    taxRate: decimalField(form, 'taxRate') ?? 0.1,
    comprehensive: field(form, 'mode') ? { mode: field(form, 'mode'), pricePoints: decimalField(form, 'pricePoints') ?? 0, technicalScores: techs } : null,
    ...(reason === '' ? {} : { reason }),
  };
}

/** The setup fields as typed, to show again if the post is refused. */
function setupFromForm(form: Form, vendorIds: string[]): PostedSetup {
  return {
    ceilingPrice: field(form, 'ceilingPrice'),
    floorPrice: field(form, 'floorPrice'),
    investigationPrice: field(form, 'investigationPrice'),
    taxRate: field(form, 'taxRate'),
    deadlineAt: field(form, 'deadlineAt'),
    openingAt: field(form, 'openingAt'),
    maxRounds: field(form, 'maxRounds'),
    lotSystemValue: field(form, 'lotSystemValue'),
    ceilingPublic: field(form, 'ceilingPublic') === 'on',
    mode: field(form, 'mode'),
    pricePoints: field(form, 'pricePoints'),
    technicalScores: Object.fromEntries(vendorIds.map((id) => [id, field(form, `tech_${id}`)])),
    reason: field(form, 'reason'),
  };
}

const lotFrom = (form: Form) => {
  return integerField(form, 'lotNumber');
};

/** Turns a failed action into the page with its message; unexpected errors go to the error handler. */
async function orPage(run: () => Promise<Response>, page: (message: string, err: AppError) => Promise<Response>) {
  try {
    return await run();
  } catch (err) {
    if (!isFormError(err)) throw err;
    return page(formError(err), err);
  }
}

const digestExplained =
  '受付票のダイジェスト（SHA-256）は、入札の内容（案件・回・事業者・金額・くじ番号・受付日時）と秘密の値（ソルト）をつないだ「計算元の文字列」から計算されています。開札後に示される計算元の文字列の SHA-256 が受付票のダイジェストと一致すれば、受け付けた入札の内容が後から変えられていないことを確かめられます。';

/** ダイジェストの確認: anyone holding a receipt and the opened bid's text checks the one against the other. */
async function digestPage(c: Ctx) {
  const user = c.get('user');
  let digest = (c.req.query('digest') ?? '').slice(0, 200);
  let input = (c.req.query('input') ?? '').slice(0, 10_000);
  let note: string | undefined;
  const caseId = c.req.query('case');
  const round = Number(c.req.query('round'));
  // a vendor arriving from its receipts: its own receipt and, once opened, the text it was computed from
  if (user?.role === 'vendor' && caseId && Number.isInteger(round) && digest === '' && input === '') {
    // a case this vendor may not see, or one without a tender, fills in nothing: the page is for anyone
    const found = await loadCase(c, caseId, 'vendor').catch((err: unknown) => {
      if (err instanceof AppError) return null;
      throw err;
    });
    const row = found?.row;
    const own = row && (await findBidding(dbOf(c), row.id)) ? (await ownBids(dbOf(c), c.get('deps').keys, row, user.vendorId!)).find((b) => b.round === round) : undefined;
    if (row && own) {
      digest = own.digest;
      input = own.digestInput ?? '';
      note = own.digestInput ? `「${row.title}」第${round}回の受付票と、開札後の計算元の文字列を入れました。` : `「${row.title}」第${round}回はまだ開札されていません。計算元の文字列は開札後に表示されます。`;
    }
  }
  const checked = digest.trim() !== '' && input.trim() !== '' ? checkBidDigest(input, digest) : null;
  return renderPage(
    c,
    <Layout title="入札ダイジェストの確認" user={user}>
      <h1>入札ダイジェストの確認</h1>
      <p>{digestExplained}</p>
      {note ? <p class="notice">{note}</p> : null}
      {checked ? (
        checked.matches ? (
          <p class="success" role="status" id="digest-verdict">
            一致しました。受付票のダイジェストは、この計算元の文字列から計算されたものです。
          </p>
        ) : (
          <div class="error" role="alert" id="digest-verdict">
            <p>一致しません。受付票のダイジェストと、計算元の文字列から計算した値が異なります。</p>
            <p>
              計算した値: <code class="hash">{checked.computed}</code>
            </p>
            <p>写し間違い（前後の空白や改行を含む）がないか確かめ、解決しない場合は事務局にお問い合わせください。</p>
          </div>
        )
      ) : null}
      <form method="get" action="/bid-digest" class="card">
        <label for="digest">受付票のダイジェスト（SHA-256、64文字）</label>
        <input id="digest" name="digest" type="text" value={digest} autocomplete="off" spellcheck={false} maxlength={200} required />
        <label for="digest-input">計算元の文字列（開札後、入札の画面の受付票の「ダイジェストを確認」から入ります）</label>
        <textarea id="digest-input" name="input" rows={4} spellcheck={false} required aria-describedby="digest-input-help">
          {input}
        </textarea>
        <p id="digest-input-help" class="muted">
          {'{"amount":…}'} で始まり、コロンとソルトで終わる文字列です。そのまま貼り付けてください。
        </p>
        <button class="primary" type="submit">
          確認する
        </button>
      </form>
    </Layout>,
  );
}

export const biddingPages = new Hono<AppEnv>()
  .get('/bid-digest', (c) => digestPage(c))
  .get('/cases/:id/bid', (c) => vendorBidPage(c, c.req.param('id')))
  .post('/cases/:id/bid', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    return orPage(
      async () => {
        const input = parseWith(bidInput, { amount: integerField(form, 'amount'), lotNumber: lotFrom(form) });
        return vendorBidPage(c, id, undefined, 200, input);
      },
      (message, err) => vendorBidPage(c, id, message, err.status),
    );
  })
  .post('/cases/:id/bid/confirm', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const form = await readForm(c);
    return orPage(
      async () => {
        await submitBid(c, row, user.vendorId!, parseWith(bidInput, { amount: integerField(form, 'amount'), lotNumber: lotFrom(form) }));
        return c.redirect(`/cases/${row.id}/bid?done=bid`, 303);
      },
      (message, err) => vendorBidPage(c, row.id, message, err.status),
    );
  })
  .post('/cases/:id/bid/decline', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const form = await readForm(c);
    return orPage(
      async () => {
        if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', '辞退の確認にチェックを入れてください。');
        await submitBid(c, row, user.vendorId!, 'declined');
        return c.redirect(`/cases/${row.id}/bid?done=decline`, 303);
      },
      (message, err) => vendorBidPage(c, row.id, message, err.status),
    );
  })
  .get('/cases/:id/bidding', (c) => adminBidPage(c, c.req.param('id')))
  .post('/cases/:id/bidding', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    const list = await dbOf(c).select({ id: vendors.id }).from(vendors).where(eq(vendors.consortiumId, row.consortiumId));
    const vendorIds = list.map((v) => v.id);
    const round1 = (await findBidding(dbOf(c), row.id))?.rounds.find((r) => r.round === 1);
    return orPage(
      async () => {
        await setBidding(c, row, parseWith(biddingInput, biddingFromForm(form, vendorIds, round1)));
        await issueAfterEvent(c, row, 'specChange');
        return c.redirect(`/cases/${row.id}/bidding?done=setup`, 303);
      },
      (message, err) => adminBidPage(c, row.id, message, setupFromForm(form, vendorIds), err.status),
    );
  })
  .post('/cases/:id/bidding/paper', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    return orPage(
      async () => {
        await recordPaperBid(c, row, parseWith(paperBidInput, { vendorId: field(form, 'vendorId'), amount: integerField(form, 'amount'), lotNumber: lotFrom(form), receivedAt: fromLocalInput(field(form, 'receivedAt')) }));
        return c.redirect(`/cases/${row.id}/bidding?done=paper`, 303);
      },
      (message) => adminBidPage(c, row.id, message),
    );
  })
  .post('/cases/:id/bidding/open', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    return orPage(
      async () => {
        if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', '開札の確認にチェックを入れてください。');
        await openRound(c, row);
        await issueAfterEvent(c, row, 'opening');
        return c.redirect(`/cases/${row.id}/bidding?done=open`, 303);
      },
      (message) => adminBidPage(c, row.id, message),
    );
  })
  .post('/cases/:id/bidding/rebid', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    return orPage(
      async () => {
        await startRebid(c, row, parseWith(roundInput, { deadlineAt: fromLocalInput(field(form, 'deadlineAt')), openingAt: fromLocalInput(field(form, 'openingAt')) }));
        return c.redirect(`/cases/${row.id}/bidding?done=rebid`, 303);
      },
      (message) => adminBidPage(c, row.id, message),
    );
  })
  .post('/cases/:id/bidding/investigation', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    return orPage(
      async () => {
        await decideInvestigation(c, row, parseWith(decisionInput, { confirm: field(form, 'confirm') === 'true', reason: field(form, 'reason') }));
        await issueAfterEvent(c, row, 'opening');
        return c.redirect(`/cases/${row.id}/bidding?done=decision`, 303);
      },
      (message) => adminBidPage(c, row.id, message),
    );
  });
