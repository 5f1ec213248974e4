import { Hono } from 'hono';
import type { AppEnv } from '../../context.ts';
import { Layout } from '../../views/layout.tsx';
import { renderPage } from '../../views/render.ts';
import { requirePageUser } from './guard.ts';

export const casePages = new Hono<AppEnv>().get('/cases', (c) => {
  const user = requirePageUser(c);
  return renderPage(
    c,
    <Layout title="調達案件" user={user}>
      <h1>調達案件</h1>
      {user.role === 'operator' ? (
        <p class="notice">運営者アカウントでは調達案件の内容は表示されません。協議会の作成は API から行います。</p>
      ) : (
        <p class="muted">まだ調達案件はありません。</p>
      )}
    </Layout>,
  );
});
