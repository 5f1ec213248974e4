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
import { participationInput, setParticipation } from '../../services/participation.ts';
import { participationMember } from '../../services/participation-member.ts';
import { CaseSummary } from '../../views/case-views.tsx';
import { yen } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, formError, integerField, isFormError, readForm } from './form.ts';

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
      <p>
        <a href={`/cases/${row.id}`}>案件「{row.title}」へ戻る</a>
      </p>
      <h1>参加・オプションの申込み</h1>
      <section class="card" aria-label="案件の概要">
        <h2>{row.title}</h2>
        <CaseSummary row={row} />
      </section>
      {user.role === 'secretariat' ? (
        <form method="get" action={`/cases/${row.id}/participation`} class="card">
          <label for="member-select">参加団体を選ぶ（事務局による代理登録）</label>
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
            <table>
              <caption>オプション</caption>
              <thead>
                <tr>
                  <th scope="col">オプション</th>
                  <th scope="col">単価</th>
                  <th scope="col">利用</th>
                  <th scope="col">数量（任意）</th>
                </tr>
              </thead>
              <tbody>
                {row.options.map((o) => {
                  const stored = current?.participating ? current.options[o.code] : undefined;
                  const quantity = posted ? field(posted, `qty_${o.code}`) : typeof stored === 'number' ? String(stored) : '';
                  return (
                    <tr>
                      <th scope="row">{o.name}</th>
                      <td class="num">{o.price ? yen(o.price) : '—'}</td>
                      <td class="mark">
                        <input type="checkbox" name={`opt_${o.code}`} aria-label={`${o.name}を利用する`} checked={checked(`opt_${o.code}`, stored === true || (typeof stored === 'number' && stored > 0))} />
                      </td>
                      <td>
                        <input type="number" min="0" name={`qty_${o.code}`} value={quantity} aria-label={`${o.name}の数量`} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
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
        <p class="muted">参加団体を選んでください。</p>
      ) : null}
    </Layout>,
    error ? 400 : 200,
  );
}

function participationFromForm(form: Form, options: { code: string }[]) {
  const chosen: Record<string, boolean | number> = {};
  for (const o of options) {
    const qty = integerField(form, `qty_${o.code}`);
    if (qty !== undefined && qty !== 0) chosen[o.code] = qty;
    else chosen[o.code] = field(form, `opt_${o.code}`) === 'on';
  }
  const standardPrice = integerField(form, 'standardPrice');
  return { participating: field(form, 'participating') === 'on', options: chosen, ...(standardPrice !== undefined ? { standardPrice } : {}) };
}

export const participationPages = new Hono<AppEnv>()
  .get('/cases/:id/participation', (c) => participationPage(c, c.req.param('id'), c.req.query('member')))
  .post('/cases/:id/participation', async (c) => {
    const caseId = c.req.param('id');
    const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
    const form = await readForm(c);
    const memberId = user.role === 'member' ? user.memberId! : field(form, 'member');
    try {
      await setParticipation(c, caseId, memberId, parseWith(participationInput, participationFromForm(form, row.options)));
      return c.redirect(`/cases/${caseId}?done=participation`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return participationPage(c, caseId, memberId, formError(err), form);
    }
  });
