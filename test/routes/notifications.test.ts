import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notifications, outbox } from '../../schema/index.ts';
import { transaction } from '../../src/db/client.ts';
import { noticeKindList, noticeKinds } from '../../src/domain/notices.ts';
import { newId } from '../../src/ids.ts';
import { notify } from '../../src/services/notify.ts';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

// Each person's notifications in the app: their own only, newest first, read and unread; which kinds
// also come by e-mail; and the unread count in the navigation of every page.

let h: Harness;
let a: Tenant;
const userIds = {} as Record<'vendor' | 'otherVendor' | 'member', string>;

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'ntf');
  for (const key of ['vendor', 'otherVendor', 'member'] as const) userIds[key] = (await h.call('GET', '/api/me', { token: a[key] })).body.user.id;
}, 60_000);
afterAll(() => h.close());

let minute = 0;
/** A notification as notify() writes it, a minute after the one before. */
async function tell(user: keyof typeof userIds, subject: string, kind = 'case_published'): Promise<string> {
  const id = newId();
  minute += 1;
  await h.database.db.insert(notifications).values({
    id,
    consortiumId: a.consortiumId,
    userId: userIds[user],
    kind,
    caseId: null,
    subject,
    body: `${subject}の本文です。\n詳しくはページをご覧ください。`,
    link: '/cases',
    createdAt: new Date(Date.parse('2026-04-01T00:00:00.000Z') + minute * 60_000),
  });
  return id;
}

const list = (token: string, query = '') => h.call('GET', `/api/notifications${query}`, { token });

describe('the notification list', () => {
  it("shows a person their own notifications, newest first, with the kind's Japanese name, and counts the unread", async () => {
    const first = await tell('vendor', '【公告】基幹業務システムの共同調達');
    const second = await tell('vendor', '【変更】基幹業務システムの共同調達（変更第1号）', 'addendum');
    await tell('otherVendor', '【公告】他の事業者あての通知');
    const res = await list(a.vendor);
    expect(res.status).toBe(200);
    expect(res.body.unread).toBe(2);
    expect(res.body.notifications.map((n: { id: string }) => n.id)).toEqual([second, first]);
    expect(res.body.notifications[0]).toEqual({
      id: second,
      kind: 'addendum',
      kindLabel: '案件の変更（変更・追加）',
      subject: '【変更】基幹業務システムの共同調達（変更第1号）',
      body: '【変更】基幹業務システムの共同調達（変更第1号）の本文です。\n詳しくはページをご覧ください。',
      link: '/cases',
      createdAt: expect.any(String),
      read: false,
    });
    expect(res.text).not.toContain('他の事業者あての通知');
  });

  it('marks one read (again: no change), lists the unread alone with ?unread=1, and marks all read', async () => {
    const [older, newer] = (await list(a.vendor)).body.notifications.map((n: { id: string }) => n.id).reverse();
    const read = await h.call('POST', `/api/notifications/${older}/read`, { token: a.vendor });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ notification: { id: older, read: true }, unread: 1 });
    expect((await h.call('POST', `/api/notifications/${older}/read`, { token: a.vendor })).body.unread).toBe(1);
    const unread = await list(a.vendor, '?unread=1');
    expect(unread.body.notifications.map((n: { id: string }) => n.id)).toEqual([newer]);
    expect((await list(a.vendor, '?unread=0')).body.notifications).toHaveLength(2);
    expect((await list(a.vendor, '?unread=yes')).status).toBe(400);

    const all = await h.call('POST', '/api/notifications/read-all', { token: a.vendor });
    expect(all.body).toEqual({ read: 1, unread: 0 });
    expect((await list(a.vendor, '?unread=1')).body.notifications).toEqual([]);
    // another person's stay unread
    expect((await list(a.otherVendor)).body.unread).toBe(1);
  });

  it("never lets anyone read or mark another person's notification: it is not found", async () => {
    const theirs = await tell('otherVendor', '【公告】他人の通知');
    const res = await h.call('POST', `/api/notifications/${theirs}/read`, { token: a.vendor });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.text).not.toContain('他人の通知');
    const page = await h.form(await h.cookieFor('vendor-ntf@test.example'), `/notifications/${theirs}/read`, {});
    expect(page.status).toBe(404);
    const [row] = await h.database.db.select().from(notifications).where(eq(notifications.id, theirs));
    expect(row!.readAt).toBeNull();
    expect((await h.call('POST', '/api/notifications/no-such-id/read', { token: a.vendor })).status).toBe(404);
  });

  it('shows at most the newest 100', async () => {
    for (let i = 0; i < 102; i++) await tell('member', `【公告】案件${i}`);
    const res = await list(a.member);
    expect(res.body.notifications).toHaveLength(100);
    expect(res.body.notifications[0].subject).toBe('【公告】案件101');
    expect(res.body.unread).toBe(102);
    await h.call('POST', '/api/notifications/read-all', { token: a.member });
  });
});

describe('e-mail preferences', () => {
  it('lists every kind with its Japanese name, by e-mail unless the person has said otherwise', async () => {
    const res = await h.call('GET', '/api/notifications/preferences', { token: a.vendor });
    expect(res.status).toBe(200);
    expect(res.body.preferences).toEqual(noticeKindList.map((kind) => ({ kind, label: noticeKinds[kind].label, email: noticeKinds[kind].email })));
  });

  it('keeps the kinds given, audited, and notices of a kind turned off then come in the app only', async () => {
    const res = await h.call('PUT', '/api/notifications/preferences', { token: a.vendor, body: { email: { qualification_decided: false, addendum: false } } });
    expect(res.status, res.text).toBe(200);
    const byKind = Object.fromEntries(res.body.preferences.map((p: { kind: string; email: boolean }) => [p.kind, p.email]));
    expect(byKind).toMatchObject({ qualification_decided: false, addendum: false, case_published: true });
    // a later choice changes only what it names
    await h.call('PUT', '/api/notifications/preferences', { token: a.vendor, body: { email: { addendum: true } } });
    const again = (await h.call('GET', '/api/notifications/preferences', { token: a.vendor })).body.preferences;
    expect(Object.fromEntries(again.map((p: { kind: string; email: boolean }) => [p.kind, p.email]))).toMatchObject({ qualification_decided: false, addendum: true });
    const entries = (await h.database.db.select().from(auditLog)).filter((e) => e.action === 'notification.preferences');
    expect(entries.map((e) => [e.actorUserId, e.objectId, e.details])).toEqual([
      [userIds.vendor, userIds.vendor, { email: { addendum: false, qualification_decided: false } }],
      [userIds.vendor, userIds.vendor, { email: { addendum: true } }],
    ]);

    // the vendor's qualification is decided: both its users are told in the app, only the one who wants it gets an e-mail
    await transaction(h.database.db, (tx) => notify(h.deps, tx, { kind: 'qualification_decided', vendorId: a.vendorId, status: 'approved', reason: null }));
    const told = await h.database.db.select().from(notifications).where(and(eq(notifications.kind, 'qualification_decided'), eq(notifications.userId, userIds.vendor)));
    expect(told).toHaveLength(1);
    expect(await h.database.db.select().from(outbox).where(eq(outbox.notificationId, told[0]!.id))).toEqual([]);
    expect((await list(a.vendor, '?unread=1')).body.notifications.map((n: { kind: string }) => n.kind)).toContain('qualification_decided');
  });

  it('refuses an unknown kind by name, and a choice that is not true or false, changing nothing', async () => {
    const unknown = await h.call('PUT', '/api/notifications/preferences', { token: a.vendor, body: { email: { case_published: false, weekly_digest: true } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_error');
    expect(unknown.body.error.message).toContain('weekly_digest');
    const bad = await h.call('PUT', '/api/notifications/preferences', { token: a.vendor, body: { email: { case_published: 'no' } } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('案件の公告');
    expect((await h.call('PUT', '/api/notifications/preferences', { token: a.vendor, body: { email: {}, extra: 1 } })).status).toBe(400);
    const prefs = (await h.call('GET', '/api/notifications/preferences', { token: a.vendor })).body.preferences;
    expect(prefs.find((p: { kind: string }) => p.kind === 'case_published').email).toBe(true);
  });

  it('needs a login', async () => {
    expect((await h.call('GET', '/api/notifications')).status).toBe(401);
    expect((await h.call('GET', '/api/notifications/preferences')).status).toBe(401);
    expect((await h.call('PUT', '/api/notifications/preferences', { body: { email: {} } })).status).toBe(401);
  });
});

describe('the notifications page', () => {
  it('shows the unread count in the navigation of every page, and none when all are read', async () => {
    const cookie = await h.cookieFor('vendor2-ntf@test.example');
    const unread = (await list(a.otherVendor)).body.unread as number;
    expect(unread).toBeGreaterThan(0);
    for (const path of ['/cases', '/notifications', '/public']) {
      const page = await h.page(cookie, path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain(`<a href="/notifications">通知<span class="badge nav-count"><span class="sr-only">未読</span>${unread}<span class="sr-only">件</span></span></a>`);
    }
    await h.call('POST', '/api/notifications/read-all', { token: a.otherVendor });
    const after = await h.page(cookie, '/cases');
    expect(after.text).toContain('<a href="/notifications">通知</a>');
    // no one signed in: no link to notifications
    expect((await h.call('GET', '/public')).text).not.toContain('href="/notifications"');
  });

  it('lists the notifications with the unread marked, and marks them read by form', async () => {
    const cookie = await h.cookieFor('vendor-ntf@test.example');
    const id = await tell('vendor', '【回答】質問への回答を公表しました');
    const page = await h.page(cookie, '/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('【回答】質問への回答を公表しました');
    expect(page.text).toContain('<span class="badge state-evaluation">未読</span>');
    expect(page.text).toContain(`action="/notifications/${id}/read"`);
    expect(page.text).toContain('href="/cases"');
    const read = await h.form(cookie, `/notifications/${id}/read`, {});
    expect(read.status).toBe(303);
    expect(read.headers.get('location')).toBe('/notifications');
    const [row] = await h.database.db.select().from(notifications).where(eq(notifications.id, id));
    expect(row!.readAt).not.toBeNull();
    await tell('vendor', '【公告】もう一件');
    const all = await h.form(cookie, '/notifications/read-all', {});
    expect(all.headers.get('location')).toBe('/notifications?done=read');
    expect((await h.page(cookie, '/notifications?done=read')).text).toContain('すべての通知を既読にしました。');
    expect((await list(a.vendor)).body.unread).toBe(0);
  });

  it('saves the e-mail preferences from the checkboxes: a kind left unchecked is not sent by e-mail', async () => {
    const cookie = await h.cookieFor('member-ntf@test.example');
    const page = await h.page(cookie, '/notifications');
    for (const kind of noticeKindList) {
      expect(page.text).toContain(`name="email" value="${kind}" checked=""`);
      expect(page.text).toContain(noticeKinds[kind].label);
    }
    // without SMTP_URL the page says that no e-mail is sent
    expect(page.text).toContain('メールの送信が設定されていないため');
    const saved = await h.form(cookie, '/notifications/preferences', [
      ['email', 'case_published'],
      ['email', 'survey_opened'],
    ]);
    expect(saved.status).toBe(303);
    const prefs = (await h.call('GET', '/api/notifications/preferences', { token: a.member })).body.preferences as { kind: string; email: boolean }[];
    expect(prefs.filter((p) => p.email).map((p) => p.kind)).toEqual(['case_published', 'survey_opened']);
    const shown = await h.page(cookie, '/notifications?done=preferences');
    expect(shown.text).toContain('メールで受け取る通知の種類を保存しました。');
    expect(shown.text).toMatch(/name="email" value="addendum"\s*\/>/);

    const refused = await h.form(cookie, '/notifications/preferences', [['email', 'weekly_digest']]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('weekly_digest');
    expect((await h.call('GET', '/api/notifications/preferences', { token: a.member })).body.preferences.filter((p: { email: boolean }) => p.email)).toHaveLength(2);
  });

  it('issues a calendar address shown once, replaces it, and revokes it', async () => {
    const cookie = await h.cookieFor('member-ntf@test.example');
    expect((await h.page(cookie, '/notifications')).text).toContain('まだURLを発行していません。');
    // Post/Redirect/Get: the address is shown on the page the post leads to, and only there
    const issued = await h.form(cookie, '/notifications/calendar', {});
    expect(issued.status).toBe(303);
    const carried = /issued_calendar_url=([^;]+)/.exec(issued.headers.get('set-cookie') ?? '')![1]!;
    const shown = await h.page(`${cookie}; issued_calendar_url=${carried}`, '/notifications');
    expect(shown.headers.get('set-cookie')).toMatch(/issued_calendar_url=;.*Max-Age=0/);
    const url = /id="calendar-url" type="text" readonly="" value="([^"]+)"/.exec(shown.text)![1]!;
    const path = new URL(url).pathname;
    expect((await h.call('GET', path)).status).toBe(200);
    // the page shown later has the date it was issued, not the address
    const later = await h.page(cookie, '/notifications');
    expect(later.text).not.toContain(url);
    expect(later.text).toContain('新しいURLを発行する（今のURLは使えなくなります）');
    const revoked = await h.form(cookie, '/notifications/calendar/revoke', {});
    expect(revoked.status).toBe(303);
    expect((await h.call('GET', path)).status).toBe(404);
  });

  it('sends a visitor who is not signed in to the login page', async () => {
    const res = await h.call('GET', '/notifications');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fnotifications');
  });
});
