import type { Account } from '../services/users.ts';
import { dateTime } from './format.ts';
import { roleLabels } from './layout.tsx';
import { type FieldErrors, FieldError, invalid } from './messages.tsx';

export const accountRoleChoices = [
  { value: 'secretariat', label: '事務局', help: '案件・参加団体・事業者・利用者を管理します' },
  { value: 'member', label: '参加団体', help: '所属する参加団体の参加表明・意見提出を行います' },
  { value: 'evaluator', label: '評価委員', help: '担当する案件の提案を評価します' },
  { value: 'vendor', label: '事業者', help: '所属する事業者として回答・提案・入札を行います' },
] as const;

const statusOf = (a: Pick<Account, 'disabledAt'>) => (a.disabledAt ? '無効' : '有効');

export function AccountStatus({ account }: { account: Pick<Account, 'disabledAt'> }) {
  return <span class={`badge ${account.disabledAt ? 'account-disabled' : 'account-active'}`}>{statusOf(account)}</span>;
}

/** The consortium's accounts, each linking to its own page (where it is disabled or given a new password). */
export function AccountTable({ accounts, meId }: { accounts: Account[]; meId: string }) {
  return (
    <div class="table-wrap">
      <table class="stack-narrow">
        <caption>協議会の利用者（{accounts.length}件）</caption>
        <thead>
          <tr>
            <th scope="col">名前</th>
            <th scope="col">メールアドレス</th>
            <th scope="col">権限</th>
            <th scope="col">所属</th>
            <th scope="col">状態</th>
            <th scope="col">最終ログイン</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr>
              <td data-label="名前">
                <a href={`/users/${a.id}`}>{a.name}</a>
                {a.id === meId ? <span class="muted">（あなた）</span> : null}
              </td>
              <td data-label="メールアドレス" class="wrap-anywhere">{a.email}</td>
              <td data-label="権限">{roleLabels[a.role]}</td>
              <td data-label="所属">{a.affiliation ?? '—'}</td>
              <td data-label="状態">
                <AccountStatus account={a} />
              </td>
              <td data-label="最終ログイン">{a.lastLoginAt ? dateTime(a.lastLoginAt) : '記録なし'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface AccountFormValues {
  name: string;
  email: string;
  role: string;
  memberId: string;
  vendorId: string;
  password: string;
}

/** The body or company an account belongs to, chosen from the consortium's own. */
function AffiliationSelect({ id, name, label, choices, selected, fields }: { id: string; name: string; label: string; choices: { id: string; name: string }[]; selected: string; fields: FieldErrors | undefined }) {
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} name={name} {...invalid(fields, name, id)}>
        <option value="">（選択してください）</option>
        {choices.map((choice) => (
          <option value={choice.id} selected={selected === choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
      <FieldError fields={fields} path={name} id={id} />
    </>
  );
}

/** The form that registers an account; the temporary password is suggested, to be handed to its owner. */
export function AccountCreateForm({
  values,
  members,
  vendors,
  fields,
}: {
  values: AccountFormValues;
  members: { id: string; name: string }[];
  vendors: { id: string; name: string }[];
  fields?: FieldErrors | undefined;
}) {
  return (
    <form method="post" action="/users" class="card" id="new-account">
      <h2>利用者の登録</h2>
      <label for="account-name">名前（必須）</label>
      <input id="account-name" name="name" type="text" value={values.name} required maxlength={200} autocomplete="off" {...invalid(fields, 'name', 'account-name')} />
      <FieldError fields={fields} path="name" id="account-name" />
      <label for="account-email">メールアドレス（必須）</label>
      <input id="account-email" name="email" type="email" value={values.email} required maxlength={254} autocomplete="off" {...invalid(fields, 'email', 'account-email', 'account-email-help')} />
      <FieldError fields={fields} path="email" id="account-email" />
      <p id="account-email-help" class="muted">
        ログインに使います。ほかの利用者と同じアドレスは登録できません。
      </p>
      <fieldset>
        <legend>権限（必須）</legend>
        {accountRoleChoices.map((r) => (
          <label class="checkbox">
            <input type="radio" name="role" value={r.value} checked={values.role === r.value} required /> {r.label}
            <span class="muted">　{r.help}</span>
          </label>
        ))}
      </fieldset>
      <AffiliationSelect id="account-member" name="memberId" label="所属する参加団体（権限が「参加団体」のとき必須）" choices={members} selected={values.memberId} fields={fields} />
      <AffiliationSelect id="account-vendor" name="vendorId" label="所属する事業者（権限が「事業者」のとき必須）" choices={vendors} selected={values.vendorId} fields={fields} />
      <label for="account-password">仮パスワード（必須、10文字以上）</label>
      <input id="account-password" name="password" type="text" value={values.password} required minlength={10} maxlength={200} autocomplete="off" spellcheck={false} {...invalid(fields, 'password', 'account-password', 'account-password-help')} />
      <FieldError fields={fields} path="password" id="account-password" />
      <p id="account-password-help" class="muted">
        自動で作った候補を表示しています。登録する前に控え、メールアドレスとあわせて本人に伝えてください。登録後は画面に表示されません。
      </p>
      <button type="submit" class="primary">
        登録する
      </button>
    </form>
  );
}

/** An account's page: who it is, and the forms that disable / enable it and set a new password. */
export function AccountDetail({
  account,
  isMe,
  suggestion,
  refused,
}: {
  account: Account;
  isMe: boolean;
  suggestion: string;
  /** the form whose post was refused, with its fields' messages */
  refused?: { form: 'disable' | 'password'; fields: FieldErrors } | undefined;
}) {
  const disableFields = refused?.form === 'disable' ? refused.fields : undefined;
  const passwordFields = refused?.form === 'password' ? refused.fields : undefined;
  return (
    <>
      <dl class="summary card">
        <dt>名前</dt>
        <dd>{account.name}</dd>
        <dt>メールアドレス</dt>
        <dd class="wrap-anywhere">{account.email}</dd>
        <dt>権限</dt>
        <dd>{roleLabels[account.role]}</dd>
        <dt>所属</dt>
        <dd>{account.affiliation ?? '—'}</dd>
        <dt>状態</dt>
        <dd>
          <AccountStatus account={account} />
          {account.disabledAt ? <span class="muted">　{dateTime(account.disabledAt)} に無効にしました</span> : null}
        </dd>
        <dt>最終ログイン</dt>
        <dd>{account.lastLoginAt ? dateTime(account.lastLoginAt) : '記録なし'}</dd>
        <dt>登録日時</dt>
        <dd>{dateTime(account.createdAt)}</dd>
      </dl>
      {isMe ? (
        <p class="notice">これはあなた自身のアカウントです。自分自身を無効にしたり、ここでパスワードを再設定したりすることはできません。</p>
      ) : (
        <>
          <h2 id="status">ログインの可否</h2>
          {account.disabledAt ? (
            <form method="post" action={`/users/${account.id}/enable`} class="card">
              <p>このアカウントは無効です。ログインできません。有効に戻すと、元のパスワードで再びログインできます。</p>
              <button type="submit" class="primary">
                有効に戻す
              </button>
            </form>
          ) : (
            <form method="post" action={`/users/${account.id}/disable`} class="card">
              <p>無効にすると、このアカウントではログインできなくなり、ログイン中の画面もすぐに使えなくなります。記録は残り、あとで有効に戻せます。</p>
              <label class="checkbox">
                <input type="checkbox" name="confirm" value="on" required id="disable-confirm" {...invalid(disableFields, 'confirm', 'disable-confirm')} /> 「{account.name}」を無効にし、ログイン中のセッションを終了することを確認しました
              </label>
              <FieldError fields={disableFields} path="confirm" id="disable-confirm" />
              <button type="submit" class="secondary">
                無効にする
              </button>
            </form>
          )}
          <h2 id="password">パスワードの再設定</h2>
          <form method="post" action={`/users/${account.id}/password`} class="card">
            <p>本人がパスワードを忘れたときに、新しい仮パスワードを設定します。今のパスワードは使えなくなり、ログイン中のセッションも終了します。</p>
            <label for="reset-password">新しい仮パスワード（10文字以上）</label>
            <input id="reset-password" name="password" type="text" value={suggestion} required minlength={10} maxlength={200} autocomplete="off" spellcheck={false} {...invalid(passwordFields, 'password', 'reset-password', 'reset-password-help')} />
            <FieldError fields={passwordFields} path="password" id="reset-password" />
            <p id="reset-password-help" class="muted">
              自動で作った候補を表示しています。再設定する前に控えてください。再設定後は画面に表示されません。
            </p>
            <label class="checkbox">
              <input type="checkbox" name="confirm" value="on" required id="reset-confirm" {...invalid(passwordFields, 'confirm', 'reset-confirm')} /> この仮パスワードを控え、本人に伝えることを確認しました
            </label>
            <FieldError fields={passwordFields} path="confirm" id="reset-confirm" />
            <button type="submit" class="primary">
              パスワードを再設定する
            </button>
          </form>
        </>
      )}
    </>
  );
}
