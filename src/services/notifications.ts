import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { type NotificationRow, notificationPrefs, notifications } from '../../schema/index.ts';
import { type Ctx, dbOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import { type NoticeKind, isNoticeKind, noticeKindList, noticeKinds, wantsEmail } from '../domain/notices.ts';
import { notFound } from '../errors.ts';
import { mutate } from '../http/mutate.ts';

// Reading a notification is the reader's own bookkeeping, like the sender's: it writes no audit entry.
// Choosing what comes by e-mail is a setting of the account, and is audited.

/** The most notifications one list shows. */
const NOTIFICATION_LIST_LIMIT = 100;

export interface NotificationView {
  id: string;
  kind: string;
  kindLabel: string;
  subject: string;
  body: string;
  /** the page it is about, a path of this site */
  link: string;
  createdAt: string;
  read: boolean;
}

export const notificationView = (row: NotificationRow): NotificationView => ({
  id: row.id,
  kind: row.kind,
  kindLabel: isNoticeKind(row.kind) ? noticeKinds[row.kind].label : '通知',
  subject: row.subject,
  body: row.body,
  link: row.link,
  createdAt: row.createdAt.toISOString(),
  read: row.readAt !== null,
});

/** The caller's notifications, newest first (unread ones only if asked). */
export async function listNotifications(db: Db, userId: string, { unreadOnly = false }: { unreadOnly?: boolean } = {}): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(NOTIFICATION_LIST_LIMIT);
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/** Marks one of the caller's notifications read (again: no change); another person's is not found. */
export async function markRead(db: Db, userId: string, id: string, now: Date): Promise<NotificationRow> {
  const [row] = await db.select().from(notifications).where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
  if (!row) throw notFound('指定された通知が見つかりません。');
  if (row.readAt) return row;
  const [updated] = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning();
  return updated ?? row;
}

/** Marks all the caller's notifications read; answers how many were unread. */
export async function markAllRead(db: Db, userId: string, now: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

export interface PreferenceView {
  kind: NoticeKind;
  label: string;
  email: boolean;
}

/** Each kind of notification, and whether the person gets it by e-mail (their choice, else the default). */
export async function preferencesOf(db: Db, userId: string): Promise<PreferenceView[]> {
  const rows = await db.select().from(notificationPrefs).where(eq(notificationPrefs.userId, userId));
  const chosen = new Map(rows.map((r) => [r.kind, r.email]));
  return noticeKindList.map((kind) => ({ kind, label: noticeKinds[kind].label, email: wantsEmail(kind, chosen.get(kind)) }));
}

const emailChoice = (label: string) => z.boolean({ error: `「${label}」をメールで受け取るかどうかは true または false で指定してください。` }).optional();

/** PUT /notifications/preferences: the kinds given are set, the others kept; an unknown kind is refused by name. */
export const preferencesInput = z.strictObject({
  email: z.strictObject(
    Object.fromEntries(noticeKindList.map((kind) => [kind, emailChoice(noticeKinds[kind].label)])) as Record<NoticeKind, ReturnType<typeof emailChoice>>,
    { error: 'email には通知の種類ごとに true または false を指定してください。' },
  ),
});

export async function savePreferences(c: Ctx, userId: string, input: z.output<typeof preferencesInput>): Promise<PreferenceView[]> {
  const given = noticeKindList.filter((kind) => input.email[kind] !== undefined).map((kind) => ({ kind, email: input.email[kind]! }));
  await mutate(c, async (tx, audit) => {
    for (const { kind, email } of given) {
      await tx.insert(notificationPrefs).values({ userId, kind, email }).onConflictDoUpdate({ target: [notificationPrefs.userId, notificationPrefs.kind], set: { email } });
    }
    await audit({ action: 'notification.preferences', objectType: 'user', objectId: userId, details: { email: Object.fromEntries(given.map((g) => [g.kind, g.email])) } });
  });
  return preferencesOf(dbOf(c), userId);
}

