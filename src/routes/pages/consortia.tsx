import { Hono } from 'hono';
import { requireRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf } from '../../context.ts';
import { parseWith } from '../../http/json.ts';
import { consortiaWithAccounts, consortiumInput, createConsortium } from '../../services/consortia.ts';
import { temporaryPassword } from '../../services/users.ts';
import { count, dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, formPost } from './form.ts';

/** 協議会: the operator's list of consortia and the form that creates one with its first 事務局 account. */
async function consortiaPage(c: Ctx, message: { error?: string | undefined; done?: string | undefined } = {}, typed?: Form) {
  const me = requireRole(c, 'operator');
  const rows = await consortiaWithAccounts(dbOf(c));
  const value = (name: string, fallback = '') => (typed ? field(typed, name) : fallback);
  return renderPage(
    c,
    <Layout title="協議会" user={me}>
      <h1>協議会</h1>
      <p>このワークベンチを使う協議会です。協議会を作ると、最初の事務局アカウントも作られます。事務局はログインして参加団体・事業者・利用者を登録します。</p>
      <SuccessBox message={message.done} />
      <ErrorBox message={message.error} />
      <div class="table-wrap">
        <table>
          <caption>協議会の一覧（{rows.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">名称</th>
              <th scope="col">作成日時</th>
              <th scope="col" class="num">利用者（有効／全体）</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.name}</td>
                <td>{dateTime(r.createdAt)}</td>
                <td class="num">
                  {count(r.active)}／{count(r.accounts)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/consortia" class="card" id="new-consortium">
        <h2>協議会の作成</h2>
        <label for="consortium-name">協議会の名称（必須）</label>
        <input id="consortium-name" name="name" type="text" value={value('name')} required maxlength={200} aria-describedby="consortium-name-help" />
        <p id="consortium-name-help" class="muted">
          例: 熊本県市町村DX推進協議会
        </p>
        <fieldset>
          <legend>最初の事務局アカウント</legend>
          <label for="secretariat-name">担当者の名前（必須）</label>
          <input id="secretariat-name" name="secretariatName" type="text" value={value('secretariatName')} required maxlength={200} autocomplete="off" />
          <label for="secretariat-email">メールアドレス（必須）</label>
          <input id="secretariat-email" name="secretariatEmail" type="email" value={value('secretariatEmail')} required maxlength={254} autocomplete="off" />
          <label for="secretariat-password">仮パスワード（必須、10文字以上）</label>
          <input
            id="secretariat-password"
            name="secretariatPassword"
            type="text"
            value={value('secretariatPassword', temporaryPassword())}
            required
            minlength={10}
            maxlength={200}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="secretariat-password-help"
          />
          <p id="secretariat-password-help" class="muted">
            自動で作った候補を表示しています。作成する前に控え、メールアドレスとあわせて担当者に伝えてください。作成後は画面に表示されません。
          </p>
        </fieldset>
        <button type="submit" class="primary">
          協議会を作成する
        </button>
      </form>
    </Layout>,
    message.error ? 400 : 200,
  );
}

export const consortiumPages = new Hono<AppEnv>()
  .get('/consortia', (c) => consortiaPage(c, { done: c.req.query('done') === 'created' ? '協議会を作成しました。事務局の担当者にメールアドレスと仮パスワードを伝えてください。' : undefined }))
  .post('/consortia', (c) => {
    requireRole(c, 'operator');
    return formPost(
      c,
      async (form) => {
        const input = parseWith(consortiumInput, {
          name: field(form, 'name'),
          secretariat: { name: field(form, 'secretariatName'), email: field(form, 'secretariatEmail'), password: field(form, 'secretariatPassword') },
        });
        await createConsortium(c, input);
        return '/consortia?done=created';
      },
      (error, form) => consortiaPage(c, { error }, form),
    );
  });
