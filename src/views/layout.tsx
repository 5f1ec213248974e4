import type { Child } from 'hono/jsx';
import type { SessionUser } from '../context.ts';

export const roleLabels: Record<SessionUser['role'], string> = {
  operator: '運営者',
  secretariat: '事務局',
  member: '参加団体',
  evaluator: '評価委員',
  vendor: '事業者',
};

export interface LayoutProps {
  title: string;
  user?: SessionUser | null | undefined;
  children?: Child;
}

/** The frame every page shares: skip link, header with navigation and logout, main landmark. */
export function Layout({ title, user, children }: LayoutProps) {
  return (
    <html lang="ja">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | 共同調達 選定ワークベンチ`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">本文へ移動</a>
        <header class="site">
          <div class="inner">
            <a class="brand" href={user ? '/cases' : '/public'}>
              共同調達 選定ワークベンチ
            </a>
            <nav aria-label="メインメニュー">
              {user ? <a href="/cases">調達案件</a> : <a href="/login">ログイン</a>}
              <a href="/public">公開情報</a>
              {user?.role === 'vendor' ? <a href="/receipts">受付票</a> : null}
              {user && (user.role === 'secretariat' || user.role === 'member') ? (
                <>
                  <a href="/surveys">意向調査</a>
                  <a href="/members">参加団体</a>
                </>
              ) : null}
              {user?.role === 'secretariat' ? <a href="/vendors">事業者</a> : null}
              {user?.role === 'secretariat' ? (
                <details class="nav-group">
                  <summary>管理</summary>
                  <div class="nav-menu">
                    <a href="/users">利用者</a>
                    <a href="/settings">発行者の設定</a>
                    <a href="/audit">監査ログ</a>
                  </div>
                </details>
              ) : null}
              {user?.role === 'operator' ? (
                <>
                  <a href="/consortia">協議会</a>
                  <a href="/audit">監査ログ</a>
                </>
              ) : null}
              {user ? (
                <a href="/notifications">
                  通知
                  {user.unreadNotifications ? (
                    <span class="badge nav-count">
                      <span class="sr-only">未読</span>
                      {user.unreadNotifications}
                      <span class="sr-only">件</span>
                    </span>
                  ) : null}
                </a>
              ) : null}
            </nav>
            {user ? (
              <>
                <span class="who">
                  {user.name}（{roleLabels[user.role]}）
                </span>
                <form method="post" action="/logout">
                  <button type="submit">ログアウト</button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {children}
        </main>
        <footer class="site">共同調達 選定ワークベンチ</footer>
      </body>
    </html>
  );
}
