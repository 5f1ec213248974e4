import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';
import { caseRef } from './cases.ts';
import { consortia, members, users, vendors } from './tenancy.ts';

/**
 * 質問: a question about a published case from an approved vendor or a member, the secretariat's answer,
 * and the wording it is published in (質問回答書). Who asked is never shown to anyone but the secretariat.
 */
export const questions = pgTable(
  'questions',
  {
    id: text('id').primaryKey(),
    caseId: caseRef(),
    /** 質問番号, per case in order of arrival */
    seq: integer('seq').notNull(),
    askedBy: text('asked_by')
      .notNull()
      .references(() => users.id),
    vendorId: text('vendor_id').references(() => vendors.id),
    memberId: text('member_id').references(() => members.id),
    /** 該当箇所 (仕様書 第3 2(1) and the like) */
    section: text('section'),
    text: text('text').notNull(),
    /** the question as published, edited so that it does not identify who asked (null: as asked) */
    publishedText: text('published_text'),
    answer: text('answer'),
    answeredAt: at('answered_at'),
    answeredBy: text('answered_by').references(() => users.id),
    publishedAt: at('published_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('questions_case_seq_uq').on(t.caseId, t.seq)],
);

export interface AddendumChange {
  /** what changed: submissionDeadline, spec, option:<code>, criteria … */
  field: string;
  /** its Japanese name, as the addendum prints it */
  label: string;
  before: string | null;
  after: string | null;
}

/** 変更・追加: a change to a published case, with its reason and the before and after, shown to every vendor and the public. */
export const addenda = pgTable(
  'addenda',
  {
    id: text('id').primaryKey(),
    caseId: caseRef(),
    /** 変更第N号, per case */
    seq: integer('seq').notNull(),
    at: at('at').notNull(),
    changedBy: text('changed_by').references(() => users.id),
    reason: text('reason').notNull(),
    changes: jsonb('changes').$type<AddendumChange[]>().notNull(),
  },
  (t) => [uniqueIndex('addenda_case_seq_uq').on(t.caseId, t.seq)],
);

/** A vendor that follows a case: it is told of the case's addenda, answers, reminders and results. */
export const caseFollows = pgTable(
  'case_follows',
  {
    caseId: caseRef(),
    vendorId: text('vendor_id')
      .notNull()
      .references(() => vendors.id),
    since: at('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.vendorId] })],
);

/** 通知: what a person is told, in the app; written in the transaction of the change it tells of. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id').references(() => consortia.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    caseId: text('case_id'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** the page it is about, a path under PUBLIC_URL */
    link: text('link').notNull(),
    /** a reminder's key (case, deadline, days before): one notification per person and key */
    dedupeKey: text('dedupe_key'),
    createdAt: at('created_at').notNull(),
    readAt: at('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt), uniqueIndex('notifications_user_dedupe_uq').on(t.userId, t.dedupeKey)],
);

/**
 * メール送信待ち: one message per notification a person wants by e-mail, written with the notification and
 * delivered by the sender, which leases a row before sending it and marks it sent once.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    /** a sender holds the row until then; after a crash another takes it over */
    leaseUntil: at('lease_until'),
    lastError: text('last_error'),
    sentAt: at('sent_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [uniqueIndex('outbox_notification_uq').on(t.notificationId), index('outbox_due_idx').on(t.status, t.nextAttemptAt)],
);

/** Whether a person wants a kind of notification by e-mail (no row: the kind's default). */
export const notificationPrefs = pgTable(
  'notification_prefs',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    email: boolean('email').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** A person's private calendar address: the SHA-256 of its token, replaced or revoked by its owner. */
export const calendarTokens = pgTable('calendar_tokens', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: at('created_at').notNull(),
});

export type QuestionRow = typeof questions.$inferSelect;
export type AddendumRow = typeof addenda.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
