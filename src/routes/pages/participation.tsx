import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { findParticipant } from '../../db/cases.ts';
import { listMembers } from '../../db/tenancy.ts';
import { memberKindLabels } from '../../domain/apportionment.ts';
import { parseWith } from '../../http/json.ts';
import { computeApportionment } from '../../services/apportionment.ts';
import { loadCase } from '../../services/case-access.ts';
import { caseYearsOf, firstOpenYear } from '../../services/years.ts';
import { fiscalYearLabel } from '../../domain/fiscal-year.ts';
import { bulkParticipationInput, listParticipation, participationInput, setParticipation, setParticipationMany, withdrawalErasesOptions } from '../../services/participation.ts';
import type { CaseOption } from '../../../schema/index.ts';
import type { CaseRow } from '../../db/cases.ts';
import { kindOf, unitsTaken } from '../../domain/options.ts';
import { AppError } from '../../errors.ts';
import { type GridRow, OptionControl, ParticipationGrid, WithdrawalConfirm, optionPriceText } from '../../views/participation-views.tsx';
import { SuccessBox } from '../../views/messages.tsx';
import { participationMember } from '../../services/participation-member.ts';
import { CaseSummary, BackToCase } from '../../views/case-views.tsx';
import { yen } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldList, formError, integerField, isFormError, readForm } from './form.ts';

/** What an option's control shows for a stored choice: 'on' or '' for a tick box, the count for a quantity. */
function shownValue(option: CaseOption, stored: boolean | number | undefined): string {
  const units = unitsTaken(option, stored);
  if (kindOf(option) === 'yesno') return units > 0 ? 'on' : '';
  return units > 0 ? String(units) : '';
}

/** The form fields of a post, in order, to carry through a confirmation (the confirmation flag left out). */
function carried(form: Form): [string, string][] {
  return Object.entries(form).flatMap(([name, value]) =>
    name === 'confirmWithdrawal' ? [] : (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? [[name, v] as [string, string]] : [])),
  );
}

/**
 * The options as chosen in a form: a yes/no option from its tick box, a quantity from its count (blank:
 * 0; full-width digits, commas accepted). A count that is not a whole number ≥ 0 is a problem naming
 * the option (and the body, in the grid).
 */
function choicesFromForm(form: Form, options: readonly CaseOption[], nameOf: (o: CaseOption) => string, who = '', pathPrefix = '') {
  const chosen: Record<string, boolean | number> = {};
  const problems: { path: string; message: string }[] = [];
  for (const o of options) {
    const name = nameOf(o);
    if (kindOf(o) === 'yesno') {
      chosen[o.code] = field(form, name) === 'on';
      continue;
    }
    const n = integerField(form, name);
    if (n === undefined) chosen[o.code] = 0;
    else if (Number.isNaN(n) || n < 0 || n > 1_000_000) problems.push({ path: `${pathPrefix}options.${o.code}`, message: `${who}「${o.name}」の数量は0以上の整数で入力してください（例: 3。利用しないときは0か空欄）` });
    else chosen[o.code] = n;
  }
  return { chosen, problems };
}

const anyTaken = (options: readonly CaseOption[], chosen: Record<string, boolean | number>) => options.some((o) => unitsTaken(o, chosen[o.code]) > 0);
const takenNames = (options: readonly CaseOption[], chosen: Record<string, boolean | number>) =>
  options.filter((o) => unitsTaken(o, chosen[o.code]) > 0).map((o) => (kindOf(o) === 'quantity' ? `${o.name} ${unitsTaken(o, chosen[o.code])}` : o.name));

function refuse(problems: { path: string; message: string }[]): never {
  throw new AppError('validation_error', problems.map((p) => p.message).join('／'), problems);
}

async function participationPage(c: Ctx, caseId: string, memberId: string | undefined, error?: string, posted?: Form) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
  const member = await participationMember(c, user, memberId);
  const members = user.role === 'secretariat' ? await listMembers(dbOf(c), user.consortiumId) : [];
  const current = member ? await findParticipant(dbOf(c), row.id, member.id) : undefined;
  let preview: string | undefined;
  if (member && !current?.participating && row.apportionment && row.apportionment.method !== 'none') {
    const trial = await computeApportionment(dbOf(c), row, { with: [member.id], without: [] }).catch(() => null);
    const share = trial?.result.ok ? trial.result.shares.find((s) => s.memberId === member.id) : undefined;
    if (share) preview = `参加した場合の基本負担額（試算）: ${yen(share.base)}`;
  }
  const checked = (name: string, stored: boolean) => (posted ? field(posted, name) === 'on' : stored);
  const closed = row.state === 'cancelled';
  const openYear = firstOpenYear(row, await caseYearsOf(dbOf(c), row.id));

  return renderPage(
    c,
    <Layout title={`参加の申込み | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>参加・オプションの申込み</h1>
      <section class="card" aria-label="案件の概要">
        <h2>{row.title}</h2>
        <CaseSummary row={row} />
      </section>
      {user.role === 'secretariat' ? (
        <div class="card">
          <p>
            <a class="button" href={`/cases/${row.id}/participation/bulk`}>
              全団体を一覧で入力する（一括入力）
            </a>
          </p>
          <form method="get" action={`/cases/${row.id}/participation`}>
            <label for="member-select">1団体ずつ入力する（事務局による代理登録）</label>
            <select id="member-select" name="member">
              <option value="">（選択してください）</option>
              {members.map((m) => (
                <option value={m.id} selected={m.id === member?.id}>
                  {m.name}（{memberKindLabels[m.kind]}）
                </option>
              ))}
            </select>
            <button class="secondary" type="submit">
              表示する
            </button>
          </form>
        </div>
      ) : null}
      {member ? (
        <form method="post" action={`/cases/${row.id}/participation`} class="card">
          <h2>{member.name}</h2>
          <ErrorBox message={error} />
          {closed ? <p class="notice">中止された案件のため申込みできません。</p> : null}
          {preview ? <p class="notice">{preview}</p> : null}
          <input type="hidden" name="member" value={member.id} />
          <label class="checkbox">
            <input type="checkbox" name="participating" checked={checked('participating', current?.participating ?? false)} />
            この調達に参加する
          </label>
          {row.options.length > 0 ? (
            <div class="table-wrap">
              <table>
                <caption>オプション（参加する場合に選べます）</caption>
                <thead>
                  <tr>
                    <th scope="col">オプション</th>
                    <th scope="col">単価</th>
                    <th scope="col">申込み</th>
                  </tr>
                </thead>
                <tbody>
                  {row.options.map((o) => {
                    const stored = current?.participating ? current.options[o.code] : undefined;
                    const yesno = kindOf(o) === 'yesno';
                    const name = yesno ? `opt_${o.code}` : `qty_${o.code}`;
                    const value = posted ? (yesno ? (field(posted, name) === 'on' ? 'on' : '') : field(posted, name)) : shownValue(o, stored);
                    return (
                      <tr>
                        <th scope="row">{o.name}</th>
                        <td class="num">{optionPriceText(o)}</td>
                        <td>
                          <label class={yesno ? 'checkbox inline' : 'inline'}>
                            <OptionControl option={o} name={name} value={value} label={yesno ? `${o.name}を利用する` : `${o.name}の数量`} />
                            <span aria-hidden="true">{yesno ? '利用する' : '（0は利用しない）'}</span>
                          </label>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
          {row.state === 'awarded' ? (
            <p class="notice">
              決定済みの案件です。確定（締め）済みの年度の負担額は変わりません。参加・オプションの変更は{fiscalYearLabel(openYear)}から反映されます。
            </p>
          ) : null}
          {user.role === 'secretariat' ? (
            <p>
              <label for="standardPrice">標準価格（この団体が単独で調達した場合の年額・税抜、任意）</label>
              <input id="standardPrice" name="standardPrice" type="text" inputmode="numeric" value={posted ? field(posted, 'standardPrice') : current?.standardPrice?.toString() ?? ''} />
            </p>
          ) : null}
          <button class="primary" type="submit" disabled={closed}>
            申込み内容を保存
          </button>
        </form>
      ) : user.role === 'secretariat' ? (
        <p class="muted">参加団体を選ぶか、一括入力を開いてください。</p>
      ) : null}
    </Layout>,
    error ? 400 : 200,
  );
}

/** The confirmation page of a withdrawal that erases options: nothing is saved until it is confirmed. */
function confirmPage(c: Ctx, row: CaseRow, user: Parameters<typeof Layout>[0]['user'], action: string, back: string, leaving: { name: string; options: string[] }[], form: Form) {
  return renderPage(
    c,
    <Layout title={`参加の取りやめの確認 | ${row.title}`} user={user}>
      <WithdrawalConfirm action={action} leaving={leaving} fields={carried(form)} back={back} />
    </Layout>,
  );
}

async function bulkPage(c: Ctx, caseId: string, error?: string, posted?: Form) {
  const { user, row } = await loadCase(c, caseId, 'secretariat');
  const list = await listParticipation(dbOf(c), user.consortiumId, caseId);
  const rows: GridRow[] = list.map(({ member, participant }) => {
    const on = participant?.participating === true;
    if (posted) {
      return {
        member,
        participating: field(posted, `p_${member.id}`) === 'on',
        values: Object.fromEntries(row.options.map((o) => [o.code, field(posted, `o_${member.id}_${o.code}`)])),
      };
    }
    return { member, participating: on, values: Object.fromEntries(row.options.map((o) => [o.code, on ? shownValue(o, participant!.options[o.code]) : ''])) };
  });
  const saved = c.req.query('saved');
  const joined = list.filter((m) => m.participant?.participating).length;
  return renderPage(
    c,
    <Layout title={`参加団体の一括入力 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>参加団体の一括入力</h1>
      <p>
        {row.title}（現在の参加 {joined} 団体／全 {list.length} 団体）。1団体ずつの入力（標準価格など）は<a href={`/cases/${row.id}/participation`}>代理登録の画面</a>で行えます。
      </p>
      {saved !== undefined && !error ? <SuccessBox message={saved === '0' ? '変更はありませんでした。' : `${saved}団体の参加・オプションを保存しました。`} /> : null}
      <ErrorBox message={error} />
      {row.state === 'cancelled' ? <p class="notice">中止された案件のため申込みできません。</p> : null}
      <ParticipationGrid action={`/cases/${row.id}/participation/bulk`} options={row.options} rows={rows} disabled={row.state === 'cancelled'} />
    </Layout>,
    error ? 400 : 200,
  );
}

export const participationPages = new Hono<AppEnv>()
  .get('/cases/:id/participation', (c) => participationPage(c, c.req.param('id'), c.req.query('member')))
  .post('/cases/:id/participation', async (c) => {
    const caseId = c.req.param('id');
    const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
    const form = await readForm(c);
    const memberId = user.role === 'member' ? user.memberId! : field(form, 'member');
    try {
      const member = await participationMember(c, user, memberId);
      if (!member) throw new AppError('validation_error', '参加団体を選んでください。', [{ path: 'member', message: '参加団体を選んでください' }]);
      const { chosen, problems } = choicesFromForm(form, row.options, (o) => (kindOf(o) === 'yesno' ? `opt_${o.code}` : `qty_${o.code}`));
      if (problems.length > 0) refuse(problems);
      const participating = field(form, 'participating') === 'on';
      const previous = await findParticipant(dbOf(c), row.id, member.id);
      if (!participating && !previous?.participating && anyTaken(row.options, chosen)) {
        refuse([{ path: 'participating', message: 'オプションを申し込むには「この調達に参加する」にも印を付けてください' }]);
      }
      const standardPrice = integerField(form, 'standardPrice');
      const input = parseWith(participationInput, { participating, options: chosen, ...(standardPrice !== undefined ? { standardPrice } : {}) });
      // a withdrawal that erases the options taken is confirmed first, on a page of its own
      if (withdrawalErasesOptions(row, previous, participating) && field(form, 'confirmWithdrawal') !== '1') {
        const back = `/cases/${caseId}/participation${user.role === 'secretariat' ? `?member=${encodeURIComponent(member.id)}` : ''}`;
        return confirmPage(c, row, user, `/cases/${caseId}/participation`, back, [{ name: member.name, options: takenNames(row.options, previous!.options) }], form);
      }
      await setParticipation(c, caseId, member.id, input);
      return c.redirect(`/cases/${caseId}?done=participation`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return participationPage(c, caseId, memberId, formError(err), form);
    }
  })
  .get('/cases/:id/participation/bulk', (c) => bulkPage(c, c.req.param('id')))
  .post('/cases/:id/participation/bulk', async (c) => {
    const caseId = c.req.param('id');
    const { user, row } = await loadCase(c, caseId, 'secretariat');
    const form = await readForm(c);
    try {
      const list = await listParticipation(dbOf(c), user.consortiumId, caseId);
      const byId = new Map(list.map((m) => [m.member.id, m]));
      const problems: { path: string; message: string }[] = [];
      const entries = [];
      const leaving: { name: string; options: string[] }[] = [];
      const ids = [...new Set(fieldList(form, 'm'))];
      for (const [i, id] of ids.entries()) {
        const known = byId.get(id);
        if (!known) {
          problems.push({ path: `entries.${i}.memberId`, message: `${i + 1}行目の団体が見つかりません（一覧を開き直してください）` });
          continue;
        }
        const name = known.member.name;
        const participating = field(form, `p_${id}`) === 'on';
        const { chosen, problems: rowProblems } = choicesFromForm(form, row.options, (o) => `o_${id}_${o.code}`, `${name}: `, `entries.${i}.`);
        problems.push(...rowProblems);
        const previous = known.participant;
        if (!participating && !previous?.participating && anyTaken(row.options, chosen)) {
          problems.push({ path: `entries.${i}.participating`, message: `${name}: オプションを申し込むには「参加」にも印を付けてください` });
        }
        if (withdrawalErasesOptions(row, previous, participating)) leaving.push({ name, options: takenNames(row.options, previous!.options) });
        entries.push({ memberId: id, participating, options: participating ? chosen : {} });
      }
      if (problems.length > 0) refuse(problems);
      if (leaving.length > 0 && field(form, 'confirmWithdrawal') !== '1') {
        return confirmPage(c, row, user, `/cases/${caseId}/participation/bulk`, `/cases/${caseId}/participation/bulk`, leaving, form);
      }
      const saved = await setParticipationMany(c, caseId, parseWith(bulkParticipationInput, { entries }));
      return c.redirect(`/cases/${caseId}/participation/bulk?saved=${saved.length}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return bulkPage(c, caseId, formError(err), form);
    }
  });

