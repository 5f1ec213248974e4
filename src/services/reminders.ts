import { and, eq, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import { bidRounds, bids, caseFollows, cases, files, proposals, questions, rfiResponses, rfis, surveyResponses, surveys, users, vendors } from '../../schema/index.ts';
import type { Deps } from '../context.ts';
import { appendAuditEntries } from '../db/audit.ts';
import { type Db, transaction } from '../db/client.ts';
import { dueReminder } from '../domain/reminders.ts';
import { type ReminderDeadline, notify } from './notify.ts';

type ReminderDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'keys'>;

interface Due {
  consortiumId: string;
  caseId: string;
  deadline: ReminderDeadline;
  round?: number;
  at: Date;
  daysBefore: number;
  /** vendors still expected to act */
  vendorIds: string[];
}

/** Users of approved vendors among those given. */
async function userIdsOfVendors(db: Db, vendorIds: readonly string[]): Promise<string[]> {
  if (vendorIds.length === 0) return [];
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(vendors, eq(vendors.id, users.vendorId))
    .where(and(inArray(users.vendorId, [...vendorIds]), eq(vendors.qualification, 'approved'), isNull(users.disabledAt)));
  return rows.map((r) => r.id);
}

const without = (all: readonly string[], done: Iterable<string>) => {
  const set = new Set(done);
  return all.filter((v) => !set.has(v));
};

/** The reminders due now for a published case, each with the vendors that have not yet acted. */
async function dueForCase(db: Db, row: typeof cases.$inferSelect, now: Date): Promise<Due[]> {
  const followers = (await db.select({ v: caseFollows.vendorId }).from(caseFollows).where(eq(caseFollows.caseId, row.id))).map((r) => r.v);
  const out: Due[] = [];
  const add = (deadline: ReminderDeadline, at: Date | null, vendorIds: () => Promise<string[]>, round?: number) => async () => {
    const days = dueReminder(now, at);
    if (days === null || at === null) return;
    const ids = await vendorIds();
    if (ids.length > 0) out.push({ consortiumId: row.consortiumId, caseId: row.id, deadline, at, daysBefore: days, vendorIds: ids, ...(round !== undefined ? { round } : {}) });
  };
  const steps: (() => Promise<void>)[] = [];
  const [rfi] = await db.select({ deadline: rfis.deadline }).from(rfis).where(eq(rfis.caseId, row.id));
  if (rfi && (row.state === 'rfi' || row.state === 'spec_review' || row.state === 'open')) {
    steps.push(
      add('rfi', rfi.deadline, async () => {
        const done = await db.select({ v: rfiResponses.vendorId }).from(rfiResponses).where(and(eq(rfiResponses.caseId, row.id), eq(rfiResponses.status, 'submitted')));
        return without(followers, done.map((r) => r.v));
      }),
    );
  }
  steps.push(
    add('question', row.questionDeadline, async () => {
      const asked = await db.selectDistinct({ v: questions.vendorId }).from(questions).where(and(eq(questions.caseId, row.id), isNotNull(questions.vendorId)));
      return without(followers, asked.map((r) => r.v!));
    }),
  );
  if ((row.method === 'proposal' || row.method === 'comprehensive') && row.state === 'open') {
    steps.push(
      add('proposal', row.submissionDeadline, async () => {
        const priced = await db.select({ v: proposals.vendorId }).from(proposals).where(eq(proposals.caseId, row.id));
        const filed = await db.selectDistinct({ v: files.vendorId }).from(files).where(and(eq(files.caseId, row.id), eq(files.purpose, 'proposal')));
        return without(followers, [...priced, ...filed].map((r) => r.v));
      }),
    );
  }
  if (row.state === 'open') {
    const rounds = await db.select().from(bidRounds).where(eq(bidRounds.caseId, row.id));
    const current = rounds.sort((a, b) => b.round - a.round)[0];
    if (current && !current.openedAt) {
      steps.push(
        add(
          'bid',
          current.deadlineAt,
          async () => {
            const inRound = async (round: number) => (await db.select({ v: bids.vendorId }).from(bids).where(and(eq(bids.caseId, row.id), eq(bids.round, round)))).map((r) => r.v);
            // a re-bid is for those who bid in the round before (and declined not)
            const expected =
              current.round === 1
                ? followers
                : (await db.select({ v: bids.vendorId }).from(bids).where(and(eq(bids.caseId, row.id), eq(bids.round, current.round - 1), ne(bids.kind, 'declined')))).map((r) => r.v);
            return without(expected, await inRound(current.round));
          },
          current.round,
        ),
      );
    }
  }
  for (const step of steps) await step();
  return out;
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
    for (const due of await dueForCase(db, row, now)) {
      const userIds = await userIdsOfVendors(db, due.vendorIds);
      if (userIds.length === 0) continue;
      told += await transaction(db, async (tx) => {
        const n = await notify(deps, tx, { kind: 'deadline_reminder', caseId: due.caseId, deadline: due.deadline, at: due.at, daysBefore: due.daysBefore, userIds, ...(due.round !== undefined ? { round: due.round } : {}) });
        if (n > 0) {
          await appendAuditEntries(tx, deps.keys.audit, now, [
            { consortiumId: due.consortiumId, actorUserId: null, actorRole: 'system', action: 'notice.reminder', objectType: 'case', objectId: due.caseId, caseId: due.caseId, details: { deadline: due.deadline, round: due.round, at: due.at.toISOString(), daysBefore: due.daysBefore, told: n } },
          ]);
        }
        return n;
      });
    }
  }
  const closing = await db.select().from(surveys).where(isNotNull(surveys.closesAt));
  for (const survey of closing) {
    const days = dueReminder(now, survey.closesAt);
    if (days === null) continue;
    const answered = (await db.select({ m: surveyResponses.memberId }).from(surveyResponses).where(eq(surveyResponses.surveyId, survey.id))).map((r) => r.m);
    const people = await db
      .select({ id: users.id, memberId: users.memberId })
      .from(users)
      .where(and(eq(users.consortiumId, survey.consortiumId), eq(users.role, 'member'), isNull(users.disabledAt)));
    const userIds = people.filter((p) => p.memberId && !answered.includes(p.memberId)).map((p) => p.id);
    if (userIds.length === 0) continue;
    told += await transaction(db, async (tx) => {
      const n = await notify(deps, tx, { kind: 'survey_closing', surveyId: survey.id, daysBefore: days, userIds });
      if (n > 0) {
        await appendAuditEntries(tx, deps.keys.audit, now, [
          { consortiumId: survey.consortiumId, actorUserId: null, actorRole: 'system', action: 'notice.reminder', objectType: 'survey', objectId: survey.id, details: { closesAt: survey.closesAt!.toISOString(), daysBefore: days, told: n } },
        ]);
      }
      return n;
    });
  }
  return told;
}
