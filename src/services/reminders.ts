import { and, desc, eq, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import { bidRounds, bids, caseFollows, cases, files, proposals, questions, rfiResponses, surveyResponses, surveys, users } from '../../schema/index.ts';
import type { Deps } from '../context.ts';
import { type AuditInput, appendAuditEntries } from '../db/audit.ts';
import { type Db, transaction } from '../db/client.ts';
import { dueReminder } from '../domain/reminders.ts';
import { type NoticeEvent, type ReminderDeadline, notify } from './notify.ts';
import { findRfi } from './rfi.ts';

type ReminderDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'keys'>;
type CaseRow = typeof cases.$inferSelect;

/** A deadline of a case, and the vendors that have acted on it already (read only when a reminder is due). */
interface Deadline {
  deadline: ReminderDeadline;
  at: Date | null;
  round?: number;
  /** who is expected to act (default: the followers) */
  expected?: () => Promise<string[]>;
  acted: () => Promise<string[]>;
}

const vendorsOf = (rows: { v: string | null }[]) => rows.flatMap((r) => (r.v ? [r.v] : []));

/** The vendor-side deadlines of a published case, by its state and method. */
async function deadlinesOf(db: Db, row: CaseRow): Promise<Deadline[]> {
  const list: Deadline[] = [
    {
      deadline: 'question',
      at: row.questionDeadline,
      acted: async () => vendorsOf(await db.selectDistinct({ v: questions.vendorId }).from(questions).where(eq(questions.caseId, row.id))),
    },
  ];
  const rfi = await findRfi(db, row.id);
  if (rfi) {
    list.push({
      deadline: 'rfi',
      at: rfi.deadline,
      acted: async () => vendorsOf(await db.select({ v: rfiResponses.vendorId }).from(rfiResponses).where(and(eq(rfiResponses.caseId, row.id), eq(rfiResponses.status, 'submitted')))),
    });
  }
  if (row.state !== 'open') return list;
  if (row.method === 'proposal' || row.method === 'comprehensive') {
    list.push({
      deadline: 'proposal',
      at: row.submissionDeadline,
      acted: async () => [
        ...vendorsOf(await db.select({ v: proposals.vendorId }).from(proposals).where(eq(proposals.caseId, row.id))),
        ...vendorsOf(await db.selectDistinct({ v: files.vendorId }).from(files).where(and(eq(files.caseId, row.id), eq(files.purpose, 'proposal')))),
      ],
    });
  }
  const [current] = await db.select().from(bidRounds).where(eq(bidRounds.caseId, row.id)).orderBy(desc(bidRounds.round)).limit(1);
  if (current && !current.openedAt) {
    const inRound = (round: number, ...more: Parameters<typeof and>) =>
      db.select({ v: bids.vendorId }).from(bids).where(and(eq(bids.caseId, row.id), eq(bids.round, round), ...more));
    list.push({
      deadline: 'bid',
      at: current.deadlineAt,
      round: current.round,
      // a re-bid is for those who bid in the round before (and did not decline)
      ...(current.round > 1 ? { expected: async () => vendorsOf(await inRound(current.round - 1, ne(bids.kind, 'declined'))) } : {}),
      acted: async () => vendorsOf(await inRound(current.round)),
    });
  }
  return list;
}

/** Tells people of a reminder and audits the batch, in one transaction; answers how many were told. */
async function remind(deps: ReminderDeps, event: NoticeEvent, entry: Omit<AuditInput, 'actorUserId' | 'actorRole' | 'action'>): Promise<number> {
  return transaction(deps.database.db, async (tx) => {
    const told = await notify(deps, tx, event);
    if (told > 0) {
      await appendAuditEntries(tx, deps.keys.audit, deps.clock.now(), [{ ...entry, actorUserId: null, actorRole: 'system', action: 'notice.reminder', details: { ...entry.details, told } }]);
    }
    return told;
  });
}

/**
 * Sends the reminders due now (3 days and 1 day before each RFI, question, proposal and bid deadline,
 * and before a survey closes) to those who have not acted yet: each person once per deadline and
 * reminder, however often this runs. Answers how many people were told.
 */
export async function sendReminders(deps: ReminderDeps): Promise<number> {
  const db = deps.database.db;
  const now = deps.clock.now();
  let told = 0;
  const open = await db.select().from(cases).where(and(isNotNull(cases.publishedAt), inArray(cases.state, ['rfi', 'spec_review', 'open'])));
  for (const row of open) {
    const due = (await deadlinesOf(db, row)).flatMap((d) => {
      const daysBefore = dueReminder(now, d.at);
      return daysBefore === null ? [] : [{ ...d, at: d.at!, daysBefore }];
    });
    if (due.length === 0) continue;
    const followers = vendorsOf(await db.select({ v: caseFollows.vendorId }).from(caseFollows).where(eq(caseFollows.caseId, row.id)));
    for (const d of due) {
      const acted = new Set(await d.acted());
      const vendorIds = (d.expected ? await d.expected() : followers).filter((v) => !acted.has(v));
      if (vendorIds.length === 0) continue;
      const round = d.round !== undefined ? { round: d.round } : {};
      told += await remind(
        deps,
        { kind: 'deadline_reminder', caseId: row.id, deadline: d.deadline, at: d.at, daysBefore: d.daysBefore, vendorIds, ...round },
        { consortiumId: row.consortiumId, objectType: 'case', objectId: row.id, caseId: row.id, details: { deadline: d.deadline, ...round, at: d.at.toISOString(), daysBefore: d.daysBefore } },
      );
    }
  }
  for (const survey of await db.select().from(surveys).where(isNotNull(surveys.closesAt))) {
    const daysBefore = dueReminder(now, survey.closesAt);
    if (daysBefore === null) continue;
    const answered = new Set((await db.select({ m: surveyResponses.memberId }).from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id))).map((r) => r.m));
    const people = await db
      .select({ id: users.id, memberId: users.memberId })
      .from(users)
      .where(and(eq(users.consortiumId, survey.consortiumId), eq(users.role, 'member'), isNull(users.disabledAt)));
    const userIds = people.filter((p) => p.memberId && !answered.has(p.memberId)).map((p) => p.id);
    if (userIds.length === 0) continue;
    told += await remind(
      deps,
      { kind: 'survey_closing', surveyId: survey.id, daysBefore, userIds },
      { consortiumId: survey.consortiumId, objectType: 'survey', objectId: survey.id, details: { closesAt: survey.closesAt!.toISOString(), daysBefore } },
    );
  }
  return told;
}
