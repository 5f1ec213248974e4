import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { requireConsortiumRole } from '../../auth/session.ts';
import { documentNumber } from '../../domain/issuer.ts';
import { parseWith } from '../../http/json.ts';
import { issuerInput, issuerSettings, saveIssuerSettings } from '../../services/issuer.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, FieldError, type FieldErrors, SuccessBox, invalid } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, formPost } from './form.ts';

const textFields = [
  { name: 'issuerName', label: '発注者名（協議会の名称）', help: '例: 熊本県市町村DX推進協議会', required: true },
  { name: 'issuerTitle', label: '発注者の職', help: '例: 会長 熊本県知事', required: false },
  { name: 'issuerPerson', label: '発注者の氏名', help: '例: 木村 敬', required: false },
  { name: 'address', label: '所在地', help: '通知の問合せ先に記載します。', required: false },
  { name: 'department', label: '担当課', help: '例: 熊本県 企画振興部 デジタル戦略局', required: false },
  { name: 'contact', label: '問合せ先', help: '例: 電話 096-333-2000　メール dx@pref.kumamoto.lg.jp', required: false },
  { name: 'documentNumberPattern', label: '文書番号の形式', help: '{n} の位置に年度ごとの通し番号が入ります。例: 熊DX協第{n}号', required: true },
  { name: 'biddingPlace', label: '入札場所', help: '入札経過調書に記載します。例: 共同調達 選定ワークベンチ（電子入札）', required: false },
  { name: 'executorName', label: '執行者', help: '入札経過調書に記載します。例: 契約担当 主幹 山田 一郎', required: false },
  { name: 'witnessName', label: '立会人', help: '入札経過調書に記載します。', required: false },
] as const;

/** 発行者の設定: who issues the consortium's documents, how they are numbered and sealed. */
async function settingsPage(c: Ctx, message?: { error?: string; done?: string; fields?: FieldErrors }, typed?: Form) {
  const fields = message?.fields;
  const user = requireConsortiumRole(c, 'secretariat');
  const saved = await issuerSettings(dbOf(c), user.consortiumId);
  const value = (name: string) => (typed ? field(typed, name) : String((saved as unknown as Record<string, string>)[name] ?? ''));
  const era = typed ? field(typed, 'era') : saved.era;
  const seal = typed ? field(typed, 'seal') : saved.seal;
  return renderPage(
    c,
    <Layout title="発行者の設定" user={user}>
      <h1>発行者の設定</h1>
      <p>仕様書、決定通知、入札経過調書などの発行文書に記載する発注者、文書番号、公印の扱いを設定します。発行済みの文書は変わりません。次に発行する文書から使われます。</p>
      <SuccessBox message={message?.done} />
      <ErrorBox message={message?.error} />
      <form method="post" action="/settings" class="card">
        {textFields.map((f) => (
          <>
            <label for={`settings-${f.name}`}>
              {f.label}
              {f.required ? '（必須）' : ''}
            </label>
            <input id={`settings-${f.name}`} name={f.name} type="text" value={value(f.name)} required={f.required} {...invalid(fields, f.name, `settings-${f.name}`, `settings-${f.name}-help`)} />
            <FieldError fields={fields} path={f.name} id={`settings-${f.name}`} />
            <p id={`settings-${f.name}-help`} class="muted">
              {f.help}
            </p>
          </>
        ))}
        <p class="muted">次の文書番号の例: {documentNumber(saved.documentNumberPattern, 1)}</p>
        <fieldset>
          <legend>日付の表記</legend>
          <label>
            <input type="radio" name="era" value="wareki" checked={era !== 'seireki'} /> 和暦を先に（令和8年12月1日（2026年12月1日））
          </label>
          <label>
            <input type="radio" name="era" value="seireki" checked={era === 'seireki'} /> 西暦を先に（2026年12月1日（令和8年12月1日））
          </label>
        </fieldset>
        <fieldset>
          <legend>公印</legend>
          <label>
            <input type="radio" name="seal" value="omitted" checked={seal !== 'box'} /> 公印省略と記載する
          </label>
          <label>
            <input type="radio" name="seal" value="box" checked={seal === 'box'} /> 押印欄（印）を設ける
          </label>
          <p class="muted">電子署名の証明書が設定されている場合は、発行文書に電子署名を付けます（SIGNING_P12）。</p>
        </fieldset>
        <button type="submit">保存</button>
      </form>
    </Layout>,
    message?.error ? 400 : 200,
  );
}

export const settingsPages = new Hono<AppEnv>()
  .get('/settings', (c) => settingsPage(c, { done: c.req.query('done') === 'saved' ? '発行者の設定を保存しました。' : undefined }))
  .post('/settings', (c) => {
    const user = requireConsortiumRole(c, 'secretariat');
    return formPost(
      c,
      async (form) => {
        const input = parseWith(issuerInput, {
          ...Object.fromEntries(textFields.map((f) => [f.name, field(form, f.name)])),
          era: field(form, 'era') || 'wareki',
          seal: field(form, 'seal') || 'omitted',
        });
        await saveIssuerSettings(c, user.consortiumId, input);
        return '/settings?done=saved';
      },
      (error, form, fields) => settingsPage(c, { error, fields }, form),
    );
  });
