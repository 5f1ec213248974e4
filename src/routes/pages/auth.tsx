import { Hono } from 'hono';
import type { AppEnv, Ctx } from '../../context.ts';
import { demoAccounts } from '../../demo/accounts.ts';
import { AppError } from '../../errors.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { authenticate, finishSession, startSession } from '../../services/auth.ts';

/** A path inside this site to return to after login; anything else falls back to the case list. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : '/cases';
}

function LoginPage(props: { next: string; error?: string | undefined; email?: string | undefined; demo: boolean }) {
  // a refused sign-in does not say which of the two was wrong: both are marked, described by the message
  const refused = props.error ? { 'aria-invalid': 'true', 'aria-describedby': 'login-error' } : {};
  return (
    <Layout title="ログイン">
      <div class="card narrow">
        <h1>ログイン</h1>
        <ErrorBox message={props.error} id="login-error" />
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <label for="email">メールアドレス</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ''} {...refused} />
          <label for="password">パスワード</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required {...refused} />
          <button class="primary" type="submit">
            ログイン
          </button>
        </form>
        <p>
          事業者の方で、まだ登録していない場合は <a href="/register">事業者の登録</a> へ。
        </p>
      </div>
      {props.demo ? (
        <section class="card narrow" aria-labelledby="demo-heading">
          <h2 id="demo-heading">デモ用アカウント</h2>
          <p class="muted">パスワードはすべて「{demoAccounts.password}」です。</p>
          <dl class="demo">
            {demoAccounts.list.map((a) => (
              <>
                <dt>{a.label}</dt>
                <dd>{a.email}</dd>
              </>
            ))}
          </dl>
        </section>
      ) : null}
    </Layout>
  );
}

const isDemo = (c: Ctx) => c.get('deps').config.demo;

export const authPages = new Hono<AppEnv>()
  .get('/', (c) => c.redirect(c.get('user') ? '/cases' : '/login', 303))
  .get('/login', (c) => {
    if (c.get('user')) return c.redirect(safeNext(c.req.query('next')), 303);
    return renderPage(c, <LoginPage next={safeNext(c.req.query('next'))} demo={isDemo(c)} />);
  })
  .post('/login', async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);
    try {
      const user = await authenticate(c, email, password);
      await startSession(c, user);
      return c.redirect(next, 303);
    } catch (err) {
      if (!(err instanceof AppError) || (err.code !== 'unauthenticated' && err.code !== 'rate_limited')) throw err;
      return renderPage(c, <LoginPage next={next} error={err.message} email={email} demo={isDemo(c)} />, err.status);
    }
  })
  .post('/logout', async (c) => {
    if (c.get('user')) await finishSession(c);
    return c.redirect('/login', 303);
  });
