import { randomBytes } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import ical, { ICalAlarmType, ICalCalendarMethod } from 'ical-generator';
import { bidRounds, bids, calendarTokens, caseFollows, cases, consortia, evaluators, files, participants, proposals, rfiResponses, surveys, users } from '../../schema/index.ts';
import { hashToken } from '../auth/token.ts';
import type { Clock } from '../clock.ts';
import { type Ctx, type SessionUser, dbOf, nowOf } from '../context.ts';
import type { Db } from '../db/client.ts';
import type { Config } from '../env.ts';
import { caseMethodLabels } from '../domain/methods.ts';
import { mutate } from '../http/mutate.ts';

// A person's deadlines as an iCalendar feed (RFC 5545) at a private address: PUBLIC_URL/api/calendar/<token>.ics.
// Only the token's SHA-256 is kept; a new token replaces the old one, so the old address stops working.
// The feed carries dates, case titles and links, never a price or a score.

/** The path of a feed, under PUBLIC_URL. */
const calendarPath = (token: string) => `/api/calendar/${token}.ics`;

/** 192 random bits, URL-safe: 32 characters. */
const newCalendarToken = () => randomBytes(24).toString('base64url');

const CALENDAR_TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** Issues the caller a new calendar address, replacing any earlier one. */
export async function issueCalendarToken(c: Ctx, user: SessionUser): Promise<{ url: string }> {
  const token = newCalendarToken();
  const now = nowOf(c);
  await mutate(c, async (tx, audit) => {
    const [before] = await tx.select({ userId: calendarTokens.userId }).from(calendarTokens).where(eq(calendarTokens.userId, user.id));
    await tx
      .insert(calendarTokens)
      .values({ userId: user.id, tokenHash: hashToken(token), createdAt: now })
      .onConflictDoUpdate({ target: calendarTokens.userId, set: { tokenHash: hashToken(token), createdAt: now } });
    await audit({ action: 'calendar.token', objectType: 'user', objectId: user.id, details: { change: before ? 'replaced' : 'issued' } });
  });
  return { url: `${c.get('deps').config.publicUrl.replace(/\/+$/, '')}${calendarPath(token)}` };
}

/** Revokes the caller's calendar address; answers whether there was one. */
export async function revokeCalendarToken(c: Ctx, user: SessionUser): Promise<boolean> {
  if (!(await calendarTokenIssuedAt(dbOf(c), user.id))) return false;
  return mutate(c, async (tx, audit) => {
    const removed = await tx.delete(calendarTokens).where(eq(calendarTokens.userId, user.id)).returning({ userId: calendarTokens.userId });
    await audit({ action: 'calendar.token', objectType: 'user', objectId: user.id, details: { change: 'revoked' } });
    return removed.length > 0;
  });
}

/** When the caller's current calendar address was issued, or null when there is none. */
export async function calendarTokenIssuedAt(db: Db, userId: string): Promise<Date | null> {
  const [row] = await db.select({ createdAt: calendarTokens.createdAt }).from(calendarTokens).where(eq(calendarTokens.userId, userId));
  return row?.createdAt ?? null;
}

// ---- the events ----

/** One deadline in a feed. */
interface CalendarEvent {
  /** stable across fetches: the same deadline keeps its UID when its time moves */
  uid: string;
  start: Date;
  summary: string;
  description: string;
  /** the page it is about, a path of this site */
  path: string;
}

interface FeedUser {
  id: string;
  name: string;
  role: SessionUser['role'];
  consortiumId: string | null;
  memberId: string | null;
  vendorId: string | null;
}

type CaseRow = typeof cases.$inferSelect;

/** The cases whose deadlines a person keeps: what their role has to act on or follow. */
async function casesFor(db: Db, user: FeedUser): Promise<CaseRow[]> {
  if (!user.consortiumId) return [];
  const live = and(eq(cases.consortiumId, user.consortiumId), ne(cases.state, 'cancelled'));
  switch (user.role) {
    case 'secretariat':
      return db.select().from(cases).where(live).orderBy(asc(cases.createdAt));
    case 'member': {
      if (!user.memberId) return [];
      const taking = db
        .select({ id: participants.caseId })
        .from(participants)
        .where(and(eq(participants.memberId, user.memberId), eq(participants.participating, true)));
      return db.select().from(cases).where(and(live, isNotNull(cases.publishedAt), inArray(cases.id, taking))).orderBy(asc(cases.createdAt));
    }
    case 'evaluator': {
      const committee = db.select({ id: evaluators.caseId }).from(evaluators).where(eq(evaluators.userId, user.id));
      return db.select().from(cases).where(and(live, inArray(cases.id, committee))).orderBy(asc(cases.createdAt));
    }
    case 'vendor': {
      if (!user.vendorId) return [];
      const v = user.vendorId;
      // followed, or acted on: an RFI answer, a file, a proposal or a bid (a declined one too)
      const ids = new Set(
        (
          await Promise.all([
            db.select({ id: caseFollows.caseId }).from(caseFollows).where(eq(caseFollows.vendorId, v)),
            db.select({ id: rfiResponses.caseId }).from(rfiResponses).where(eq(rfiResponses.vendorId, v)),
            db.selectDistinct({ id: files.caseId }).from(files).where(eq(files.vendorId, v)),
            db.select({ id: proposals.caseId }).from(proposals).where(eq(proposals.vendorId, v)),
            db.selectDistinct({ id: bids.caseId }).from(bids).where(eq(bids.vendorId, v)),
          ])
        )
          .flat()
          .map((r) => r.id),
      );
      if (ids.size === 0) return [];
      return db.select().from(cases).where(and(live, isNotNull(cases.publishedAt), inArray(cases.id, [...ids]))).orderBy(asc(cases.createdAt));
    }
    default:
      return [];
  }
}

/** The deadlines of the cases and surveys a person keeps, in order of time. */
async function calendarEvents(db: Db, user: FeedUser, now: Date): Promise<CalendarEvent[]> {
  const rows = await casesFor(db, user);
  const events: CalendarEvent[] = [];
  const rounds = rows.length === 0 ? [] : await db.select().from(bidRounds).where(inArray(bidRounds.caseId, rows.map((r) => r.id))).orderBy(asc(bidRounds.round));
  for (const row of rows) {
    const about = (label: string) => `${label}\n件名: ${row.title}\n調達方式: ${caseMethodLabels[row.method]}`;
    const add = (key: string, at: Date | null, label: string) => {
      if (at) events.push({ uid: `case-${row.id}-${key}`, start: at, summary: `${label}: ${row.title}`, description: about(label), path: `/cases/${row.id}` });
    };
    add('rfi', row.rfiDeadline, 'RFI回答期限');
    add('question', row.questionDeadline, '質問受付期限');
    add('submission', row.submissionDeadline, '提出期限');
    const quotation = row.method === 'quotation';
    for (const r of rounds.filter((x) => x.caseId === row.id)) {
      const nth = r.round > 1 ? `第${r.round}回` : '';
      add(`round-${r.round}-deadline`, r.deadlineAt, quotation ? `${nth}見積書の提出期限` : `${nth}入札締切`);
      add(`round-${r.round}-opening`, r.openingAt, quotation ? `${nth}見積の開封` : `${nth}開札`);
    }
  }
  if (user.consortiumId && (user.role === 'member' || user.role === 'secretariat')) {
    const open = await db
      .select()
      .from(surveys)
      .where(and(eq(surveys.consortiumId, user.consortiumId), isNotNull(surveys.closesAt), gt(surveys.closesAt, now)));
    for (const s of open) {
      events.push({ uid: `survey-${s.id}-closes`, start: s.closesAt!, summary: `意向調査の締切: ${s.title}`, description: `意向調査の締切\n調査: ${s.title}`, path: `/surveys/${s.id}` });
    }
  }
  return events.sort((a, b) => a.start.getTime() - b.start.getTime() || a.uid.localeCompare(b.uid));
}

/** The feed as text: one event per deadline at its time, with a reminder the day before. */
function renderCalendar(events: CalendarEvent[], options: { name: string; publicUrl: string; stamp: Date }): string {
  const base = options.publicUrl.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  const calendar = ical({
    name: options.name,
    prodId: { company: 'kyodo-chotatsu', product: 'workbench', language: 'JA' },
    // a published feed, not an invitation: Outlook subscribes to it instead of offering to reply
    method: ICalCalendarMethod.PUBLISH,
    // calendar clients poll the feed; an hour keeps deadlines current without hammering the service
    ttl: 3600,
  });
  for (const e of events) {
    calendar.createEvent({
      id: `${e.uid}@${host}`,
      start: e.start,
      // a deadline is an instant: no DTEND, so the event ends when it starts (RFC 5545 3.6.1)
      stamp: options.stamp,
      summary: e.summary,
      description: `${e.description}\n${base}${e.path}`,
      url: `${base}${e.path}`,
      alarms: [{ type: ICalAlarmType.display, triggerBefore: 86_400, description: `明日: ${e.summary}` }],
    });
  }
  return calendar.toString();
}

/** The feed of a calendar token, or null for a token that is not (or no longer) anyone's. */
export async function calendarFeed(deps: { database: { db: Db }; clock: Clock; config: Pick<Config, 'publicUrl'> }, token: string): Promise<string | null> {
  if (!CALENDAR_TOKEN.test(token)) return null;
  const db = deps.database.db;
  const [owner] = await db
    .select({ id: users.id, name: users.name, role: users.role, consortiumId: users.consortiumId, memberId: users.memberId, vendorId: users.vendorId, consortiumName: consortia.name })
    .from(calendarTokens)
    .innerJoin(users, eq(users.id, calendarTokens.userId))
    .leftJoin(consortia, eq(consortia.id, users.consortiumId))
    .where(and(eq(calendarTokens.tokenHash, hashToken(token)), isNull(users.disabledAt)));
  if (!owner) return null;
  const now = deps.clock.now();
  const events = await calendarEvents(db, owner, now);
  const name = owner.consortiumName ? `${owner.consortiumName} 調達の期限` : '共同調達の期限';
  return renderCalendar(events, { name, publicUrl: deps.config.publicUrl, stamp: now });
}
