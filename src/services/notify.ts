import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import Handlebars from 'handlebars';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  addenda,
  bids,
  caseFollows,
  cases,
  consortia,
  files,
  notificationPrefs,
  notifications,
  outbox,
  participants,
  proposals,
  questions,
  surveys,
  users,
  vendors,
} from '../../schema/index.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/client.ts';
import { longDateTime as dateTime } from '../domain/format.ts';
import { caseMethodLabels } from '../domain/methods.ts';
import { type NoticeKind, wantsEmail } from '../domain/notices.ts';
import { newId } from '../ids.ts';

/** A deadline a reminder is about. */
export type ReminderDeadline = 'rfi' | 'question' | 'proposal' | 'bid';

/**
 * Something that happened that people are told of. Each names what it is about; who is told is decided
 * here, from the data as it stands in the transaction of the change.
 */
export type NoticeEvent =
  | { kind: 'case_published'; caseId: string }
  | { kind: 'addendum'; caseId: string; addendumId: string }
  | { kind: 'question_received'; caseId: string }
  | { kind: 'answers_published'; caseId: string; count: number }
  | { kind: 'deadline_reminder'; caseId: string; deadline: ReminderDeadline; at: Date; daysBefore: number; round?: number; vendorIds: string[] }
  | { kind: 'opening_result'; caseId: string; round: number; outcome: string }
  | { kind: 'award'; caseId: string }
  | { kind: 'evaluator_assigned'; caseId: string; userIds: string[] }
  | { kind: 'sheet_returned'; caseId: string; userId: string; reason: string }
  | { kind: 'survey_opened'; surveyId: string }
  | { kind: 'survey_closing'; surveyId: string; daysBefore: number; userIds: string[] }
  | { kind: 'qualification_decided'; vendorId: string; status: 'approved' | 'rejected'; reason: string | null };

type NotifyDeps = Pick<Deps, 'clock' | 'config'>;

interface Recipient {
  id: string;
  email: string;
  name: string;
}

// ---- templates (templates/notifications.yaml), read again when the file changes ----

const templateFile = fileURLToPath(new URL('../../templates/notifications.yaml', import.meta.url));
const templateSchema = z.object({ footer: z.string() }).catchall(z.object({ subject: z.string(), body: z.string() }).or(z.string()));
type Compiled = { footer: HandlebarsTemplateDelegate; kinds: Map<string, { subject: HandlebarsTemplateDelegate; body: HandlebarsTemplateDelegate }> };
let cache: { mtimeMs: number; compiled: Compiled } | undefined;

function templates(): Compiled {
  const mtimeMs = statSync(templateFile).mtimeMs;
  if (cache && cache.mtimeMs === mtimeMs) return cache.compiled;
  const parsed = templateSchema.parse(parseYaml(readFileSync(templateFile, 'utf8')));
  const hb = Handlebars.create();
  const compile = (s: string) => hb.compile(s, { noEscape: true });
  const kinds = new Map<string, { subject: HandlebarsTemplateDelegate; body: HandlebarsTemplateDelegate }>();
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'footer' || typeof value === 'string') continue;
    kinds.set(key, { subject: compile(value.subject), body: compile(value.body) });
  }
  const compiled = { footer: compile(parsed.footer), kinds };
  cache = { mtimeMs, compiled };
  return compiled;
}

/** Subject and body of a kind of notice: one line of subject, a body without runs of blank lines. */
export function noticeRenderer(kind: NoticeKind): (vars: Record<string, unknown>) => { subject: string; body: string } {
  const t = templates();
  const k = t.kinds.get(kind);
  if (!k) throw new Error(`templates/notifications.yaml has no ${kind}`);
  return (vars) => {
    const subject = k.subject(vars).replace(/\s+/g, ' ').trim();
    const body = `${k.body(vars).trimEnd()}\n${t.footer(vars)}`
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    return { subject, body: `${body}\n` };
  };
}

// ---- who is told ----

const activeUsers = isNull(users.disabledAt);

async function usersByIds(tx: Db, ids: readonly string[]): Promise<Recipient[]> {
  if (ids.length === 0) return [];
  return tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(and(inArray(users.id, [...ids]), activeUsers));
}

/** Users of approved vendors: all of the consortium's, or those of the vendors given. */
async function vendorUsers(tx: Db, consortiumId: string, vendorIds?: readonly string[]): Promise<Recipient[]> {
  if (vendorIds && vendorIds.length === 0) return [];
  return tx
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .innerJoin(vendors, eq(vendors.id, users.vendorId))
    .where(
      and(
        eq(users.role, 'vendor'),
        activeUsers,
        eq(vendors.consortiumId, consortiumId),
        eq(vendors.qualification, 'approved'),
        vendorIds ? inArray(vendors.id, [...vendorIds]) : undefined,
      ),
    );
}

async function followerIds(tx: Db, caseId: string): Promise<string[]> {
  return (await tx.select({ v: caseFollows.vendorId }).from(caseFollows).where(eq(caseFollows.caseId, caseId))).map((r) => r.v);
}

/** Vendors that took part: a bid, a price or a proposal file. */
async function takingPartIds(tx: Db, caseId: string): Promise<string[]> {
  const [b, p, f] = await Promise.all([
    tx.selectDistinct({ v: bids.vendorId }).from(bids).where(eq(bids.caseId, caseId)),
    tx.selectDistinct({ v: proposals.vendorId }).from(proposals).where(eq(proposals.caseId, caseId)),
    tx.selectDistinct({ v: files.vendorId }).from(files).where(and(eq(files.caseId, caseId), eq(files.purpose, 'proposal'))),
  ]);
  return [...new Set([...b, ...p, ...f].map((r) => r.v))];
}

/** Users of the member bodies taking part in the case. */
async function participantUsers(tx: Db, caseId: string): Promise<Recipient[]> {
  return tx
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .innerJoin(participants, and(eq(participants.memberId, users.memberId), eq(participants.caseId, caseId)))
    .where(and(eq(users.role, 'member'), activeUsers, eq(participants.participating, true)));
}

async function roleUsers(tx: Db, consortiumId: string, role: 'secretariat' | 'member'): Promise<Recipient[]> {
  return tx
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.consortiumId, consortiumId), eq(users.role, role), activeUsers));
}

const unique = (lists: Recipient[][]): Recipient[] => [...new Map(lists.flat().map((r) => [r.id, r])).values()];

// ---- the notices ----

const deadlineLabels: Record<ReminderDeadline, { label: string; action: string }> = {
  rfi: { label: 'RFI（情報提供）の回答期限', action: 'RFIへの回答' },
  question: { label: '質問の受付期限', action: '質問の提出' },
  proposal: { label: '提案書の提出期限', action: '提案書の提出' },
  bid: { label: '入札の締切', action: '入札' },
};

const decisionLabels: Record<string, string> = {
  proposal: '契約候補者（優先交渉権者）',
  competitive_bid: '落札者',
  comprehensive: '落札者',
  quotation: '契約の相手方',
  negotiated: '随意契約の相手方',
};

interface Prepared {
  consortiumId: string;
  caseId: string | null;
  link: string;
  recipients: Recipient[];
  vars: Record<string, unknown>;
  dedupeKey?: string;
}

async function caseOf(tx: Db, caseId: string) {
  const [row] = await tx.select().from(cases).where(eq(cases.id, caseId));
  if (!row) throw new Error(`notice about a case that does not exist: ${caseId}`);
  return row;
}

async function prepare(tx: Db, event: NoticeEvent): Promise<Prepared> {
  if (event.kind === 'survey_opened' || event.kind === 'survey_closing') {
    const [survey] = await tx.select().from(surveys).where(eq(surveys.id, event.surveyId));
    if (!survey) throw new Error(`notice about a survey that does not exist: ${event.surveyId}`);
    const recipients = event.kind === 'survey_opened' ? await roleUsers(tx, survey.consortiumId, 'member') : await usersByIds(tx, event.userIds);
    return {
      consortiumId: survey.consortiumId,
      caseId: null,
      link: `/surveys/${survey.id}`,
      recipients,
      vars: { surveyTitle: survey.title, closesAt: survey.closesAt ? dateTime(survey.closesAt) : '定めなし', daysLabel: event.kind === 'survey_closing' ? daysLabel(event.daysBefore) : '' },
      ...(event.kind === 'survey_closing' && survey.closesAt ? { dedupeKey: `survey:${survey.id}:${survey.closesAt.toISOString()}:${event.daysBefore}` } : {}),
    };
  }
  if (event.kind === 'qualification_decided') {
    const [vendor] = await tx.select().from(vendors).where(eq(vendors.id, event.vendorId));
    if (!vendor) throw new Error(`notice about a vendor that does not exist: ${event.vendorId}`);
    const recipients = await tx
      .select({ id: users.id, email: users.email, name: users.name })
      .from(users)
      .where(and(eq(users.vendorId, vendor.id), activeUsers));
    return {
      consortiumId: vendor.consortiumId,
      caseId: null,
      link: '/cases',
      recipients,
      vars: { vendorName: vendor.name, statusLabel: event.status === 'approved' ? '承認（入札・提案に参加できます）' : '不承認', reason: event.reason },
    };
  }
  const row = await caseOf(tx, event.caseId);
  const base = { consortiumId: row.consortiumId, caseId: row.id, link: `/cases/${row.id}` };
  const vars: Record<string, unknown> = { caseTitle: row.title, methodLabel: caseMethodLabels[row.method] };
  const followers = async () => vendorUsers(tx, row.consortiumId, await followerIds(tx, row.id));
  switch (event.kind) {
    case 'case_published': {
      const deadlines = [
        ['RFI回答期限', row.rfiDeadline],
        ['質問受付期限', row.questionDeadline],
        ['提案書の提出期限', row.submissionDeadline],
      ]
        .filter(([, at]) => at)
        .map(([label, at]) => ({ label, at: dateTime(at as Date) }));
      return { ...base, recipients: unique([await vendorUsers(tx, row.consortiumId), await participantUsers(tx, row.id)]), vars: { ...vars, deadlines } };
    }
    case 'addendum': {
      const [a] = await tx.select().from(addenda).where(eq(addenda.id, event.addendumId));
      if (!a) throw new Error(`notice about an addendum that does not exist: ${event.addendumId}`);
      const changes = a.changes.map((ch) => ({ label: ch.label, before: ch.before ?? '（なし）', after: ch.after ?? '（なし）' }));
      return { ...base, recipients: unique([await followers(), await participantUsers(tx, row.id)]), vars: { ...vars, no: a.seq, reason: a.reason, changes } };
    }
    case 'question_received': {
      return { ...base, link: `/cases/${row.id}/questions`, recipients: await roleUsers(tx, row.consortiumId, 'secretariat'), vars: { ...vars, open: await openQuestions(tx, row.id) } };
    }
    case 'answers_published':
      return { ...base, link: `/cases/${row.id}/questions`, recipients: unique([await followers(), await participantUsers(tx, row.id)]), vars: { ...vars, count: event.count } };
    case 'deadline_reminder': {
      const d = deadlineLabels[event.deadline];
      const deadlineLabel = event.deadline === 'bid' && event.round !== undefined && event.round > 1 ? `第${event.round}回の${d.label}` : d.label;
      return {
        ...base,
        recipients: await vendorUsers(tx, row.consortiumId, event.vendorIds),
        vars: { ...vars, deadlineLabel, actionLabel: d.action, at: dateTime(event.at), daysLabel: daysLabel(event.daysBefore) },
        dedupeKey: `reminder:${row.id}:${event.deadline}:${event.round ?? 0}:${event.at.toISOString()}:${event.daysBefore}`,
      };
    }
    case 'opening_result': {
      const bidders = (await tx.selectDistinct({ v: bids.vendorId }).from(bids).where(and(eq(bids.caseId, row.id), eq(bids.round, event.round)))).map((r) => r.v);
      return { ...base, recipients: await vendorUsers(tx, row.consortiumId, bidders), vars: { ...vars, round: event.round, outcome: event.outcome } };
    }
    case 'award': {
      const vendorIds = [...new Set([...(await followerIds(tx, row.id)), ...(await takingPartIds(tx, row.id))])];
      return {
        ...base,
        recipients: unique([await vendorUsers(tx, row.consortiumId, vendorIds), await participantUsers(tx, row.id)]),
        vars: { ...vars, decisionLabel: decisionLabels[row.method] ?? '契約の相手方' },
      };
    }
    case 'evaluator_assigned':
      return { ...base, link: `/cases/${row.id}/evaluate`, recipients: await usersByIds(tx, event.userIds), vars };
    case 'sheet_returned':
      return { ...base, link: `/cases/${row.id}/evaluate`, recipients: await usersByIds(tx, [event.userId]), vars: { ...vars, reason: event.reason } };
  }
}

async function openQuestions(tx: Db, caseId: string): Promise<number> {
  const rows = await tx.select({ id: questions.id }).from(questions).where(and(eq(questions.caseId, caseId), isNull(questions.answer)));
  return rows.length;
}

function daysLabel(days: number): string {
  return days === 1 ? '明日が期限' : `${days}日後が期限`;
}

/**
 * Tells people of an event: a notification for each (in the app), and for each who wants this kind by
 * e-mail a message in the outbox, all in the caller's transaction, so a change that rolls back tells
 * nobody and one that commits cannot be forgotten. A notice with a key (a reminder) reaches a person
 * once. Answers how many people were told.
 */
export async function notify(deps: NotifyDeps, tx: Db, event: NoticeEvent): Promise<number> {
  const p = await prepare(tx, event);
  if (p.dedupeKey && p.recipients.length > 0) {
    // a reminder runs every minute for days: those it has reached are left out before anything is drawn
    const reached = await tx
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(eq(notifications.dedupeKey, p.dedupeKey), inArray(notifications.userId, p.recipients.map((r) => r.id))));
    const done = new Set(reached.map((r) => r.userId));
    p.recipients = p.recipients.filter((r) => !done.has(r.id));
  }
  if (p.recipients.length === 0) return 0;
  const now = deps.clock.now();
  const [consortium] = await tx.select({ name: consortia.name }).from(consortia).where(eq(consortia.id, p.consortiumId));
  const base = deps.config.publicUrl.replace(/\/+$/, '');
  const render = noticeRenderer(event.kind);
  const rows = p.recipients.map((r) => ({
    id: newId(),
    consortiumId: p.consortiumId,
    userId: r.id,
    kind: event.kind,
    caseId: p.caseId,
    link: p.link,
    dedupeKey: p.dedupeKey ?? null,
    createdAt: now,
    ...render({ ...p.vars, recipientName: r.name, consortiumName: consortium?.name ?? '', link: `${base}${p.link}`, preferencesUrl: `${base}/notifications` }),
  }));
  const prefs = await tx
    .select()
    .from(notificationPrefs)
    .where(and(inArray(notificationPrefs.userId, p.recipients.map((r) => r.id)), eq(notificationPrefs.kind, event.kind)));
  const choices = new Map(prefs.map((r) => [r.userId, r.email]));
  const emailOf = new Map(p.recipients.map((r) => [r.id, r.email]));
  let told = 0;
  // a few statements for a whole consortium of vendors, not two per person
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    // a person a keyed notice (a reminder) has already reached is skipped by the unique key
    const inserted = new Set((await tx.insert(notifications).values(batch).onConflictDoNothing().returning({ id: notifications.id })).map((r) => r.id));
    told += inserted.size;
    const mails = batch
      .filter((n) => inserted.has(n.id) && wantsEmail(event.kind, choices.get(n.userId)))
      .map((n) => ({ id: newId(), notificationId: n.id, toAddress: emailOf.get(n.userId)!, subject: n.subject, body: n.body, nextAttemptAt: now, createdAt: now }));
    if (mails.length > 0) await tx.insert(outbox).values(mails);
  }
  return told;
}

/** Notifications written in one statement (11 values each, well inside the limit on parameters). */
const BATCH = 500;
