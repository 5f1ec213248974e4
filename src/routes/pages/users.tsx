import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import { type AppEnv, type Ctx, dbOf } from '../../context.ts';
import { listMembers, listVendors } from '../../db/tenancy.ts';
import { AppError } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { createUser, findAccount, listAccounts, resetPassword, temporaryPassword, updateUser, userInput } from '../../services/users.ts';
import { AccountCreateForm, type AccountFormValues, AccountDetail, AccountTable } from '../../views/accounts.tsx';
import { Layout } from '../../views/layout.tsx';
import { type FieldErrors, ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, formPost } from './form.ts';

const doneMessages: Record<string, string> = {
  created: '利用者を登録しました。メールアドレスと仮パスワードを本人に伝えてください。',
  disabled: 'アカウントを無効にしました。このアカウントではログインできません。',
  enabled: 'アカウントを有効に戻しました。元のパスワードでログインできます。',
  reset: 'パスワードを再設定しました。控えた仮パスワードを本人に伝えてください。ログイン中だったセッションは終了しました。',
};

function valuesOf(form: Form | undefined): AccountFormValues {
  return {
    name: form ? field(form, 'name') : '',
    email: form ? field(form, 'email') : '',
    role: form ? field(form, 'role') : '',
    memberId: form ? field(form, 'memberId') : '',
    vendorId: form ? field(form, 'vendorId') : '',
    password: form ? field(form, 'password') : temporaryPassword(),
  };
}

/** 利用者: the consortium's accounts and the form that registers one. */
async function usersPage(c: Ctx, error?: string, typed?: Form, fields?: FieldErrors) {
  const me = requireConsortiumRole(c, 'secretariat');
  const db = dbOf(c);
  const [accounts, members, vendors] = await Promise.all([listAccounts(db, me.consortiumId), listMembers(db, me.consortiumId), listVendors(db, me.consortiumId)]);
  return renderPage(
    c,
    <Layout title="利用者" user={me}>
      <h1>利用者</h1>
      <p>協議会の利用者アカウントです。名前を選ぶと、アカウントの無効化・有効化とパスワードの再設定ができます。</p>
      <ErrorBox message={error} />
      <AccountTable accounts={accounts} meId={me.id} />
      <AccountCreateForm values={valuesOf(typed)} members={members} vendors={vendors} fields={fields} />
    </Layout>,
    error ? 400 : 200,
  );
}

async function accountPage(c: Ctx, id: string, message: { error?: string | undefined; done?: string | undefined; password?: string; refused?: { form: 'disable' | 'password'; fields: FieldErrors } } = {}) {
  const me = requireConsortiumRole(c, 'secretariat');
  const account = await findAccount(dbOf(c), me.consortiumId, id);
  return renderPage(
    c,
    <Layout title={`利用者: ${account.name}`} user={me}>
      <p>
        <a href="/users">← 利用者の一覧</a>
      </p>
      <h1>利用者: {account.name}</h1>
      <SuccessBox message={message.done} />
      <ErrorBox message={message.error} />
      <AccountDetail account={account} isMe={account.id === me.id} suggestion={message.password ?? (message.done === doneMessages.reset ? '' : temporaryPassword())} refused={message.refused} />
    </Layout>,
    message.error ? 400 : 200,
  );
}

const confirmed = (form: Form, message: string) => {
  if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', message, [{ path: 'confirm', message }]);
};

export const userPages = new Hono<AppEnv>()
  .get('/users', (c) => usersPage(c))
  .post('/users', (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    return formPost(
      c,
      async (form) => {
        const role = field(form, 'role');
        const input = parseWith(userInput, {
          name: field(form, 'name'),
          email: field(form, 'email'),
          role: role || undefined,
          password: field(form, 'password'),
          // the other select may still hold a choice: only the one the role needs is sent
          ...(role === 'member' && field(form, 'memberId') ? { memberId: field(form, 'memberId') } : {}),
          ...(role === 'vendor' && field(form, 'vendorId') ? { vendorId: field(form, 'vendorId') } : {}),
        });
        const user = await createUser(c, me.consortiumId, input);
        return `/users/${user.id}?done=created`;
      },
      (error, form, fields) => usersPage(c, error, form, fields),
    );
  })
  .get('/users/:id', (c) => accountPage(c, c.req.param('id'), { done: doneMessages[c.req.query('done') ?? ''] }))
  .post('/users/:id/disable', (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const id = c.req.param('id');
    return formPost(
      c,
      async (form) => {
        confirmed(form, '無効にすることを確認し、チェックを入れてください。');
        await updateUser(c, me, id, { disabled: true });
        return `/users/${id}?done=disabled`;
      },
      (error, _form, fields) => accountPage(c, id, { error, refused: { form: 'disable', fields } }),
    );
  })
  .post('/users/:id/enable', (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const id = c.req.param('id');
    return formPost(
      c,
      async () => {
        await updateUser(c, me, id, { disabled: false });
        return `/users/${id}?done=enabled`;
      },
      (error) => accountPage(c, id, { error }),
    );
  })
  .post('/users/:id/password', (c) => {
    const me = requireConsortiumRole(c, 'secretariat');
    const id = c.req.param('id');
    return formPost(
      c,
      async (form) => {
        confirmed(form, '仮パスワードを控えたことを確認し、チェックを入れてください。');
        await resetPassword(c, me, id, field(form, 'password'));
        return `/users/${id}?done=reset`;
      },
      (error, form, fields) => accountPage(c, id, { error, password: field(form, 'password'), refused: { form: 'password', fields } }),
    );
  });
