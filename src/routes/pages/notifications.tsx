import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Ctx, SessionUser } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import { noticeKindList } from '../../domain/notices.ts';
import { parseWith } from '../../http/json.ts';
import { calendarTokenIssuedAt, issueCalendarToken, revokeCalendarToken } from '../../services/calendar.ts';
import { listNotifications, markAllRead, markRead, notificationView, preferencesInput, preferencesOf, savePreferences, unreadCount } from '../../services/notifications.ts';
import { dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, fieldList, formPost } from './form.ts';
import { requirePageUser } from './guard.ts';

/**
 * The unread count the navigation shows, for a signed-in person's pages: counted here, once per page
 * view, so the layout takes it as a prop of the user like the rest.
 */
export function unreadNotificationCount(): MiddlewareHandler<AppEnv> {
  return async function countUnread(c, next) {
    const user = c.get('user');
    const path = c.req.path;
    const isPage = c.req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/') && path !== '/healthz' && path !== '/readyz';
    if (user && isPage) c.set('user', { ...user, unreadNotifications: await unreadCount(dbOf(c), user.id) });
    await next();
  };
}

const done: Record<string, string> = {
  preferences: 'メールで受け取る通知の種類を保存しました。',
  revoked: 'カレンダーのURLを無効にしました。購読しているカレンダーには、これ以降期限が届きません。',
  read: 'すべての通知を既読にしました。',
  calendar: 'カレンダーのURLを発行しました。以前のURLは使えなくなりました。',
};

const ISSUED_CALENDAR_COOKIE = 'issued_calendar_url';

/** The calendar address the last post issued, once: the cookie carrying it is erased as it is read. */
function takeIssuedCalendarUrl(c: Ctx): string | undefined {
  const url = getCookie(c, ISSUED_CALENDAR_COOKIE);
  if (url === undefined) return undefined;
  deleteCookie(c, ISSUED_CALENDAR_COOKIE, { path: '/notifications' });
  const base = c.get('deps').config.publicUrl.replace(/\/+$/, '');
  // only an address of this site's calendar feed is shown, whatever else the cookie may hold
  return url.startsWith(`${base}/api/calendar/`) && /\/api\/calendar\/[A-Za-z0-9_-]{32}\.ics$/.test(url) ? url : undefined;
}

interface PageState {
  error?: string;
  done?: string;
  /** a calendar address just issued: shown this once, never stored */
  calendarUrl?: string;
  /** the preferences as typed, when saving them was refused */
  typed?: Form;
}

/** 通知: the person's notifications, what comes by e-mail, and their calendar address. */
async function notificationsPage(c: Ctx, user: SessionUser, state: PageState = {}, status: 200 | 400 = 200) {
  const db = dbOf(c);
  const rows = await listNotifications(db, user.id);
  // counted once for the navigation of every page; a page drawn again after a post counts here
  const unread = user.unreadNotifications ?? (await unreadCount(db, user.id));
  const preferences = await preferencesOf(db, user.id);
  const calendarIssuedAt = await calendarTokenIssuedAt(db, user.id);
  const list = rows.map(notificationView);
  const mailOn = c.get('deps').config.mail !== undefined;
  const checked = (kind: string, email: boolean) => (state.typed ? fieldList(state.typed, 'email').includes(kind) : email);
  return renderPage(
    c,
    <Layout title="通知" user={{ ...user, unreadNotifications: unread }}>
      <h1>通知</h1>
      <SuccessBox message={state.done} />
      <ErrorBox message={state.error} />

      <section aria-labelledby="list-heading">
        <h2 id="list-heading">お知らせの一覧</h2>
        <div class="actions">
          <p>{unread > 0 ? `未読が ${unread} 件あります。` : '未読の通知はありません。'}</p>
          {unread > 0 ? (
            <form method="post" action="/notifications/read-all">
              <button type="submit" class="secondary">
                すべて既読にする
              </button>
            </form>
          ) : null}
        </div>
        {list.length === 0 ? (
          <p class="muted">まだ通知はありません。案件の公告、変更、質問への回答、期限の前などにここへ届きます。</p>
        ) : (
          <div class="stack">
            {list.map((n) => (
              <article class={n.read ? 'card' : 'card notice'}>
                <h3>
                  {n.read ? null : <span class="badge state-evaluation">未読</span>} {n.subject}
                </h3>
                <p class="muted">
                  {n.kindLabel}・{dateTime(n.createdAt)}
                </p>
                <details>
                  <summary>本文を表示</summary>
                  <p class="prewrap">{n.body}</p>
                </details>
                <div class="actions">
                  <a href={n.link} aria-label={`「${n.subject}」の関係するページを開く`}>
                    関係するページを開く
                  </a>
                  {n.read ? null : (
                    <form method="post" action={`/notifications/${n.id}/read`}>
                      <button type="submit" class="secondary" aria-label={`「${n.subject}」を既読にする`}>
                        既読にする
                      </button>
                    </form>
                  )}
                </div>
              </article>
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="preferences-heading">
        <h2 id="preferences-heading">メールで受け取る通知</h2>
        {mailOn ? (
          <p>チェックした種類の通知は、この画面に加えて、登録されたメールアドレス（{user.email}）にも届きます。</p>
        ) : (
          <p class="notice">このサービスではメールの送信が設定されていないため、現在メールは届きません。通知はこの画面で読めます。設定しておくと、メールの送信が始まったときに反映されます。</p>
        )}
        <form method="post" action="/notifications/preferences" class="card">
          <fieldset>
            <legend>メールでも受け取る種類</legend>
            {preferences.map((p) => (
              <label class="checkbox">
                <input type="checkbox" name="email" value={p.kind} checked={checked(p.kind, p.email)} /> {p.label}
              </label>
            ))}
          </fieldset>
          <button type="submit" class="primary">
            保存する
          </button>
        </form>
      </section>

      <section aria-labelledby="calendar-heading">
        <h2 id="calendar-heading">カレンダー（Outlook・Google カレンダー）</h2>
        <p>
          担当する案件の期限（RFI回答、質問受付、提案書の提出、入札の締切と開札、意向調査の締切）を、Outlook や Google カレンダーに表示できます。発行したURLをカレンダーの「URLで追加」「インターネット予定表の購読」に登録してください。期限の前日に通知が出ます。
        </p>
        <p class="muted">URLを知っている人は誰でもあなたの期限を見られます。他の人に知らせないでください。漏れたときは新しいURLを発行するか、無効にしてください。</p>
        {state.calendarUrl ? (
          <div class="success" role="status">
            <label for="calendar-url">新しいカレンダーのURL（この画面を離れると再表示できません）</label>
            <input id="calendar-url" type="text" readonly value={state.calendarUrl} />
          </div>
        ) : calendarIssuedAt ? (
          <p>{dateTime(calendarIssuedAt)} に発行したURLが有効です。URLは発行したときにだけ表示されます。</p>
        ) : (
          <p>まだURLを発行していません。</p>
        )}
        <div class="actions">
          <form method="post" action="/notifications/calendar">
            <button type="submit" class="primary">
              {calendarIssuedAt ? '新しいURLを発行する（今のURLは使えなくなります）' : 'カレンダーのURLを発行する'}
            </button>
          </form>
          {calendarIssuedAt ? (
            <form method="post" action="/notifications/calendar/revoke">
              <button type="submit" class="secondary">
                URLを無効にする
              </button>
            </form>
          ) : null}
        </div>
      </section>
    </Layout>,
    status,
  );
}

export const notificationPages = new Hono<AppEnv>()
  .get('/notifications', (c) => {
    const calendarUrl = takeIssuedCalendarUrl(c);
    return notificationsPage(c, requirePageUser(c), calendarUrl ? { calendarUrl, done: done.calendar } : { done: done[c.req.query('done') ?? ''] });
  })
  // reading changes nothing of anyone else's: another person's notification is not found (404)
  .post('/notifications/:id/read', async (c) => {
    const user = requirePageUser(c);
    await markRead(dbOf(c), user.id, c.req.param('id'), nowOf(c));
    return c.redirect('/notifications', 303);
  })
  .post('/notifications/read-all', async (c) => {
    const user = requirePageUser(c);
    await markAllRead(dbOf(c), user.id, nowOf(c));
    return c.redirect('/notifications?done=read', 303);
  })
  .post('/notifications/preferences', (c) => {
    const user = requirePageUser(c);
    return formPost(
      c,
      async (form) => {
        // an unchecked box is not sent: every kind not checked is "not by e-mail"
        const email = Object.fromEntries([...noticeKindList.map((kind): [string, boolean] => [kind, false]), ...fieldList(form, 'email').map((kind): [string, boolean] => [kind, true])]);
        await savePreferences(c, user.id, parseWith(preferencesInput, { email }));
        return '/notifications?done=preferences#preferences-heading';
      },
      (error, form) => notificationsPage(c, user, { error, typed: form }, 400),
    );
  })
  // the new address is not kept on the server: it rides to the next page view in a cookie that view erases
  .post('/notifications/calendar', async (c) => {
    const user = requirePageUser(c);
    const { url } = await issueCalendarToken(c, user);
    setCookie(c, ISSUED_CALENDAR_COOKIE, url, { httpOnly: true, sameSite: 'Strict', secure: new URL(c.req.url).protocol === 'https:', path: '/notifications', maxAge: 300 });
    return c.redirect('/notifications?done=calendar#calendar-heading', 303);
  })
  .post('/notifications/calendar/revoke', async (c) => {
    const user = requirePageUser(c);
    await revokeCalendarToken(c, user);
    return c.redirect('/notifications?done=revoked#calendar-heading', 303);
  });
