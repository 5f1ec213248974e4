import { Hono } from 'hono';
import { requireUser } from '../../auth/session.ts';
import { type AppEnv, dbOf, nowOf } from '../../context.ts';
import { AppError, notFound } from '../../errors.ts';
import { readJson } from '../../http/json.ts';
import { calendarFeed, issueCalendarToken, revokeCalendarToken } from '../../services/calendar.ts';
import {
  listNotifications,
  markAllRead,
  markRead,
  notificationView,
  preferencesInput,
  preferencesOf,
  savePreferences,
  unreadCount,
} from '../../services/notifications.ts';

/** ?unread=1 (or true) lists unread ones only; 0, false or nothing lists all. */
function unreadOnly(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new AppError('validation_error', 'unread には 1（未読のみ）または 0 を指定してください。', [{ path: 'unread', code: 'invalid_value', message: 'unread には 1 または 0 を指定してください' }]);
}

export const notificationRoutes = new Hono<AppEnv>()
  // each person reads only their own: another person's notification is not found
  .get('/notifications', async (c) => {
    const user = requireUser(c);
    const only = unreadOnly(c.req.query('unread'));
    const rows = await listNotifications(dbOf(c), user.id, { unreadOnly: only });
    return c.json({ notifications: rows.map(notificationView), unread: await unreadCount(dbOf(c), user.id) });
  })
  .post('/notifications/read-all', async (c) => {
    const user = requireUser(c);
    const read = await markAllRead(dbOf(c), user.id, nowOf(c));
    return c.json({ read, unread: 0 });
  })
  .post('/notifications/:id/read', async (c) => {
    const user = requireUser(c);
    const row = await markRead(dbOf(c), user.id, c.req.param('id'), nowOf(c));
    return c.json({ notification: notificationView(row), unread: await unreadCount(dbOf(c), user.id) });
  })
  .get('/notifications/preferences', async (c) => {
    const user = requireUser(c);
    return c.json({ preferences: await preferencesOf(dbOf(c), user.id) });
  })
  .put('/notifications/preferences', async (c) => {
    const user = requireUser(c);
    const input = await readJson(c, preferencesInput);
    return c.json({ preferences: await savePreferences(c, user.id, input) });
  })
  // the private calendar address: a new one replaces the old, which stops working
  .post('/calendar/token', async (c) => {
    const user = requireUser(c);
    return c.json(await issueCalendarToken(c, user), 201);
  })
  .delete('/calendar/token', async (c) => {
    const user = requireUser(c);
    return c.json({ revoked: await revokeCalendarToken(c, user) });
  })
  // no login: the token in the address is the credential (calendar clients cannot sign in)
  .get('/calendar/:file{[A-Za-z0-9_-]+\\.ics}', async (c) => {
    const token = c.req.param('file').slice(0, -'.ics'.length);
    const feed = await calendarFeed(c.get('deps'), token);
    if (feed === null) throw notFound('このカレンダーのURLは無効です（新しいURLが発行されたか、無効にされました）。');
    return c.body(feed, 200, { 'content-type': 'text/calendar; charset=utf-8' });
  });
