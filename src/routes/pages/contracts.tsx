import { fiscalYearParam } from '../../http/inputs.ts';
import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { listMembers } from '../../db/tenancy.ts';
import { fiscalYearLabel } from '../../domain/fiscal-year.ts';
import { AppError } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { apportionmentBody, computeApportionment } from '../../services/apportionment.ts';
import { findAward } from '../../services/award.ts';
import { loadCase } from '../../services/case-access.ts';
import { amendYear, amendmentInput, closeYear, contractsFor, savingsFor, setContractParty, yearList } from '../../services/contracts.ts';
import { caseYearsOf } from '../../services/years.ts';
import { dateTime, yen } from '../../views/format.ts';
import { ApportionmentTable } from '../../views/case-views.tsx';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, FieldError, type FieldErrors, SuccessBox, invalid } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, formPost } from './form.ts';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/**
 * 年度別の負担額と契約: for a fiscal year of the case, each member's share with and without tax, the
 * contracts with the vendor, the savings against standard prices; the secretariat closes the year here.
 */
async function yearsPage(c: Ctx, caseId: string, requestedYear: number | undefined, message?: { error?: string; done?: string; fields?: FieldErrors }) {
  const fields = message?.fields;
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
  const db = dbOf(c);
  const award = await findAward(db, row.id);
  const years = await caseYearsOf(db, row.id);
  const lastKnown = Math.max(row.fiscalYear, ...years.map((y) => y.fiscalYear));
  const choices = Array.from({ length: lastKnown - row.fiscalYear + 2 }, (_, i) => row.fiscalYear + i);
  const fiscalYear = requestedYear ?? award?.award.fiscalYear ?? row.fiscalYear;
  let computed: Awaited<ReturnType<typeof computeApportionment>> | undefined;
  let shares: ReturnType<typeof apportionmentBody> | null = null;
  let sharesError: string | undefined;
  try {
    computed = await computeApportionment(db, row, undefined, fiscalYear);
    shares = apportionmentBody(computed);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    sharesError = err.message;
  }
  const contracts = award && shares ? await contractsFor(db, user, row, fiscalYear, computed) : null;
  const savings = shares ? await savingsFor(db, user, row, fiscalYear, computed) : null;
  const members = user.role === 'secretariat' ? await listMembers(db, row.consortiumId) : [];
  const amendments = (await yearList(db, row)).find((y) => y.fiscalYear === fiscalYear)?.amendments ?? [];
  const visibleShares = shares ? (user.role === 'member' ? shares.shares.filter((s) => s.memberId === user.memberId) : shares.shares) : [];
  return renderPage(
    c,
    <Layout title={`${row.title} 年度別の負担額と契約`} user={user}>
      <p>
        <a href={`/cases/${row.id}`}>← 案件に戻る</a>
      </p>
      <h1>年度別の負担額と契約</h1>
      <p>{row.title}</p>
      <SuccessBox message={message?.done} />
      <ErrorBox message={message?.error} />
      <form method="get" action={`/cases/${row.id}/years`} class="card">
        <label for="fiscalYear">年度</label>
        <select id="fiscalYear" name="fiscalYear">
          {choices.map((y) => (
            <option value={String(y)} selected={y === fiscalYear}>
              {fiscalYearLabel(y)}
            </option>
          ))}
        </select>
        <button class="secondary" type="submit">
          表示
        </button>
      </form>

      <h2>{fiscalYearLabel(fiscalYear)}の負担額</h2>
      {shares?.closed ? <p class="status">この年度は確定（締め）済みです。後から参加団体やデータが変わっても、この金額は変わりません。</p> : null}
      {sharesError ? <ErrorBox message={sharesError} standing /> : null}
      {shares ? (
        <ApportionmentTable
          caption={`${fiscalYearLabel(fiscalYear)}の参加団体（${shares.shares.length}団体）${shares.volume ? `・数量の合計 ${shares.volume.sum.toLocaleString('ja-JP')}（${shares.volume.basis === 'births' ? `${fiscalYear - 2}年度の出生数` : '人口'}）` : ''}`}
          shares={visibleShares}
          total={shares.total}
          optionTotal={shares.optionTotal}
          sum={shares.sum}
          sumWithTax={shares.sumWithTax}
          totals={user.role === 'secretariat'}
        />
      ) : null}
      {user.role === 'secretariat' && award && shares && !shares.closed ? (
        <form method="post" action={`/cases/${row.id}/years/${fiscalYear}/close`} class="card">
          <p>
            <label>
              <input type="checkbox" name="confirm" value="on" required {...invalid(fields, 'confirm', 'close-confirm')} /> {fiscalYearLabel(fiscalYear)}の負担額を確定します（確定後は変更できません）
            </label>
            <FieldError fields={fields} path="confirm" id="close-confirm" />
          </p>
          <button class="primary" type="submit">
            この年度を確定する
          </button>
        </form>
      ) : null}

      {amendments.length > 0 ? (
        <section aria-labelledby="amend-heading">
          <h3 id="amend-heading">この年度の変更（{amendments.length}件）</h3>
          <ul>
            {amendments.map((a) => (
              <li>
                {dateTime(a.at)}: {a.reason}（変更前 {a.before.members}団体・{yen(a.before.sum)}）
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {user.role === 'secretariat' && shares?.closed ? (
        <form method="post" action={`/cases/${row.id}/years/${fiscalYear}/amendments`} class="card">
          <h3>確定済みの年度を変更する（変更契約）</h3>
          <p class="muted">参加・オプションの変更をこの年度に反映させる場合は、理由を記録して負担額を再確定します。変更前の金額は記録に残ります。</p>
          <p>
            <label for="amend-reason">変更の理由（必須）</label>
            <textarea id="amend-reason" name="reason" required rows={2} maxLength={2000} {...invalid(fields, 'reason', 'amend-reason')}></textarea>
            <FieldError fields={fields} path="reason" id="amend-reason" />
          </p>
          <button class="primary" type="submit">
            理由を記録して再確定する
          </button>
        </form>
      ) : null}

      <h2>契約</h2>
      {!award ? <p>決定が記録されると、契約の一覧が表示されます。</p> : null}
      {contracts ? (
        <>
          <p>
            契約の相手方: {contracts.vendorName}（消費税率 {Math.round(contracts.taxRate * 100)}%、契約ごとに円未満切り捨て）
            {' '}
            <a href={`/api/cases/${row.id}/contracts.csv?fiscalYear=${fiscalYear}`}>CSVでダウンロード</a>
          </p>
          <div class="table-wrap">
            <table class="ledger">
              <caption>{fiscalYearLabel(fiscalYear)}の契約（{contracts.contracts.length}件）</caption>
              <thead>
                <tr>
                  <th scope="col">区分</th>
                  <th scope="col">契約者・負担団体</th>
                  <th scope="col">オプション</th>
                  <th scope="col" class="num">金額（税抜）</th>
                  <th scope="col" class="num">金額（税込）</th>
                </tr>
              </thead>
              <tbody>
                {contracts.contracts.flatMap((k) => [
                  <tr>
                    <td>{k.kind === 'bulk' ? '一括契約' : '個別契約'}</td>
                    <th scope="row">{k.partyName}</th>
                    <td>
                      {Object.entries(k.options ?? {})
                        .filter(([, v]) => v !== false && v !== 0)
                        .map(([code, v]) => `${contracts.optionNames[code] ?? code}${typeof v === 'number' ? ` ×${v}` : ''}`)
                        .join('、') || '—'}
                    </td>
                    <td class="num">{yen(k.amount)}</td>
                    <td class="num">{yen(k.amountWithTax)}</td>
                  </tr>,
                  ...(k.charges ?? []).map((ch) => (
                    <tr>
                      <td>負担金</td>
                      <th scope="row">{ch.memberName}</th>
                      <td>—</td>
                      <td class="num">{yen(ch.amount)}</td>
                      <td class="num">{yen(ch.amountWithTax)}</td>
                    </tr>
                  )),
                ])}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {user.role === 'secretariat' && row.contractMode === 'bulk' ? (
        <form method="post" action={`/cases/${row.id}/contract-party`} class="card">
          <label for="party">一括契約の契約者</label>
          <select id="party" name="memberId" {...invalid(fields, 'memberId', 'party')}>
            <option value="">協議会（事務局）</option>
            {members.map((m) => (
              <option value={m.id} selected={m.id === row.contractPartyMemberId}>
                {m.name}
              </option>
            ))}
          </select>
          <FieldError fields={fields} path="memberId" id="party" />
          <button class="secondary" type="submit">
            契約者を保存
          </button>
        </form>
      ) : null}

      {savings && savings.members.length > 0 ? (
        <>
          <h2>共同調達による削減効果</h2>
          <div class="table-wrap">
            <table class="ledger">
              <caption>標準価格（単独で調達した場合の価格）との比較</caption>
              <thead>
                <tr>
                  <th scope="col">団体名</th>
                  <th scope="col" class="num">標準価格</th>
                  <th scope="col" class="num">負担額</th>
                  <th scope="col" class="num">削減額</th>
                  <th scope="col" class="num">削減率</th>
                </tr>
              </thead>
              <tbody>
                {savings.members.map((m) => (
                  <tr>
                    <th scope="row">{m.memberName}</th>
                    <td class="num">{yen(m.standardPrice)}</td>
                    <td class="num">{yen(m.amount)}</td>
                    <td class="num">{yen(m.saving)}</td>
                    <td class="num">{percent(m.rate)}</td>
                  </tr>
                ))}
              </tbody>
              {savings.total ? (
                <tfoot>
                  <tr>
                    <th scope="row">合計</th>
                    <td class="num">{yen(savings.total.standardPrice)}</td>
                    <td class="num">{yen(savings.total.amount)}</td>
                    <td class="num">{yen(savings.total.saving)}</td>
                    <td class="num">{percent(savings.total.rate)}</td>
                  </tr>
                </tfoot>
              ) : null}
            </table>
          </div>
        </>
      ) : null}
    </Layout>,
    message?.error ? 400 : 200,
  );
}

const requestedYear = (c: Ctx) => {
  const raw = c.req.query('fiscalYear');
  return raw ? parseWith(fiscalYearParam, raw) : undefined;
};

/** A form of the years page: the action, then back to the page, or the page again with the refusal. */
async function yearsAction(c: Ctx, fiscalYear: number | undefined, done: string, act: (form: Form, caseId: string) => Promise<unknown>) {
  const caseId = c.req.param('id')!;
  await loadCase(c, caseId, 'secretariat');
  return formPost(
    c,
    async (form) => {
      await act(form, caseId);
      return `/cases/${caseId}/years?${fiscalYear === undefined ? '' : `fiscalYear=${fiscalYear}&`}done=${done}`;
    },
    (error, _form, fields) => yearsPage(c, caseId, fiscalYear, { error, fields }),
  );
}

const doneMessages: Record<string, string> = {
  closed: '年度の負担額を確定しました。',
  amended: '変更を記録し、負担額を再確定しました。',
  party: '契約者を保存しました。',
};

export const contractPages = new Hono<AppEnv>()
  .get('/cases/:id/years', (c) => yearsPage(c, c.req.param('id'), requestedYear(c), { done: doneMessages[c.req.query('done') ?? ''] }))
  .post('/cases/:id/years/:fiscalYear/close', (c) => {
    const fiscalYear = parseWith(fiscalYearParam, c.req.param('fiscalYear'));
    return yearsAction(c, fiscalYear, 'closed', async (form, caseId) => {
      if (field(form, 'confirm') !== 'on') {
        const message = '確定する場合は確認欄にチェックを入れてください。';
        throw new AppError('validation_error', message, [{ path: 'confirm', message }]);
      }
      await closeYear(c, caseId, fiscalYear);
    });
  })
  .post('/cases/:id/years/:fiscalYear/amendments', (c) => {
    const fiscalYear = parseWith(fiscalYearParam, c.req.param('fiscalYear'));
    return yearsAction(c, fiscalYear, 'amended', (form, caseId) => amendYear(c, caseId, fiscalYear, parseWith(amendmentInput, { reason: field(form, 'reason') })));
  })
  .post('/cases/:id/contract-party', (c) => yearsAction(c, undefined, 'party', (form, caseId) => setContractParty(c, caseId, field(form, 'memberId') || null)));
