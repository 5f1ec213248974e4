import { and, asc, count, eq, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import { type OutboxRow, outbox } from '../../schema/index.ts';
import type { Clock } from '../clock.ts';
import { type Db, transaction } from '../db/client.ts';
import type { Config } from '../env.ts';
import { type Logger, silentLogger } from '../observability/logger.ts';
import { type MailTransport, isPermanentFailure } from './transport.ts';

// Delivery is bookkeeping of the outbox, not a change anyone made: it writes no audit entry.

export interface MailSenderOptions {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'mail'>;
  transport: MailTransport;
  /** where a failed round is logged (none: nothing is written) */
  logger?: Logger;
  /** messages claimed at once */
  batchSize?: number;
  /** how long a claimed message is this sender's; after that (a crash) another sender takes it over */
  leaseMs?: number;
  /** attempts before a message is given up as failed */
  maxAttempts?: number;
  /** a message older than this is not sent at all (written while mail was not configured, or long undeliverable): its news is stale */
  maxAgeMs?: number;
}

export interface SendResult {
  sent: number;
  failed: number;
  retried: number;
}

export interface MailSender {
  /** Claims the messages due now and sends them one at a time. */
  runOnce(): Promise<SendResult>;
  /** Runs every `intervalMs` (the timer does not keep the process alive). */
  start(intervalMs: number): void;
  /** Waits for the message in flight, then takes no more; messages claimed but not begun are released. */
  stop(): Promise<void>;
}

const MINUTE = 60_000;
/** Why a message was not sent because it was too old. */
export const STALE = '作成から時間が経ちすぎたため送信しませんでした（通知は画面に残っています）。';
const HOUR = 60 * MINUTE;

/** The wait before the next attempt after `attempts` failed ones: 1 min, 2, 4 … at most 1 hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MINUTE * 2 ** Math.max(0, attempts - 1), HOUR);
}

/** The Message-ID of an outbox message: the same on every attempt, unique to the message. */
export function messageIdOf(outboxId: string, publicUrl: string): string {
  return `<${outboxId}@${new URL(publicUrl).hostname}>`;
}

/** The error kept on the row: one line, short, for the secretariat to read. */
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 500);

export function createMailSender(options: MailSenderOptions): MailSender {
  const { db, clock, config, transport } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 15 * MINUTE;
  const maxAttempts = options.maxAttempts ?? 8;
  const maxAgeMs = options.maxAgeMs ?? 24 * HOUR;
  if (!config.mail) throw new Error('createMailSender needs config.mail (SMTP_URL and MAIL_FROM)');
  const from = config.mail.from;

  let stopping = false;
  let running: Promise<SendResult> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  /** Takes the due messages nobody holds, in one short transaction, and holds them until the lease ends. */
  async function claim(): Promise<{ rows: OutboxRow[]; leaseUntil: Date }> {
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const rows = await transaction(db, async (tx) => {
      // a reminder for a deadline long past is worse than none: the notification in the app stays
      await tx
        .update(outbox)
        .set({ status: 'failed', lastError: STALE, leaseUntil: null })
        .where(and(eq(outbox.status, 'pending'), lt(outbox.createdAt, new Date(now.getTime() - maxAgeMs)), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now))));
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now))))
        .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt), asc(outbox.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(outbox)
        .set({ leaseUntil })
        .where(inArray(outbox.id, due.map((r) => r.id)))
        .returning();
    });
    rows.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    return { rows, leaseUntil };
  }

  /** This sender's hold on a message, as a condition: still pending and leased by this claim. */
  const held = (id: string, leaseUntil: Date) => and(eq(outbox.id, id), eq(outbox.status, 'pending'), eq(outbox.leaseUntil, leaseUntil));

  async function deliver(row: OutboxRow, leaseUntil: Date): Promise<keyof SendResult | null> {
    // a message whose lease ran out while earlier ones were sent may be another sender's now
    const renewed = new Date(clock.now().getTime() + leaseMs);
    const mine = await db.update(outbox).set({ leaseUntil: renewed }).where(held(row.id, leaseUntil)).returning({ id: outbox.id });
    if (mine.length === 0) return null;
    try {
      await transport.send({ from, to: row.toAddress, subject: row.subject, text: row.body, messageId: messageIdOf(row.id, config.publicUrl) });
    } catch (err) {
      const attempts = row.attempts + 1;
      const now = clock.now();
      const giveUp = isPermanentFailure(err) || attempts >= maxAttempts;
      await db
        .update(outbox)
        .set({ attempts, lastError: errorText(err), leaseUntil: null, ...(giveUp ? { status: 'failed' as const } : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) }) })
        .where(held(row.id, renewed));
      return giveUp ? 'failed' : 'retried';
    }
    // marked right after its own send: a crash now repeats at most this one message, under the same Message-ID
    await db.update(outbox).set({ status: 'sent', sentAt: clock.now(), leaseUntil: null, attempts: row.attempts + 1, lastError: null }).where(held(row.id, renewed));
    return 'sent';
  }

  async function run(): Promise<SendResult> {
    const result: SendResult = { sent: 0, failed: 0, retried: 0 };
    if (stopping) return result;
    const { rows, leaseUntil } = await claim();
    for (const [i, row] of rows.entries()) {
      if (stopping) {
        // let the next process have them at once instead of after the lease
        const rest = rows.slice(i).map((r) => r.id);
        await db.update(outbox).set({ leaseUntil: null }).where(and(inArray(outbox.id, rest), eq(outbox.status, 'pending'), eq(outbox.leaseUntil, leaseUntil)));
        break;
      }
      const outcome = await deliver(row, leaseUntil);
      if (outcome) result[outcome] += 1;
    }
    return result;
  }

  function runOnce(): Promise<SendResult> {
    // one run at a time per sender: a tick that comes while one is going waits for it
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(run);
    running = next;
    return next.finally(() => {
      if (running === next) running = null;
    });
  }

  return {
    runOnce,
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        if (running || stopping) return;
        runOnce().catch((err) => (options.logger ?? silentLogger).error({ err: errorText(err) }, 'メールの送信処理に失敗しました'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

/** How many messages wait in the outbox to be sent (for /metrics). */
export async function outboxBacklog(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending'));
  return row?.n ?? 0;
}
