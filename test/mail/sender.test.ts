import type { AddressInfo } from 'node:net';
import { eq, inArray } from 'drizzle-orm';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consortia, notifications, outbox, users } from '../../schema/index.ts';
import { FixedClock } from '../../src/clock.ts';
import { type Database, openPglite } from '../../src/db/client.ts';
import { newId } from '../../src/ids.ts';
import { type MailSenderOptions, STALE, createMailSender, messageIdOf, retryDelayMs } from '../../src/mail/sender.ts';
import { type MailTransport, type OutgoingMail, smtpTransport } from '../../src/mail/transport.ts';

// The sender against a real SMTP server (smtp-server) on a real port: what arrives is parsed with
// mailparser, as a mail client would read it. The outbox rows are written here as notify() writes them.

const PUBLIC_URL = 'https://chotatsu.example.lg.jp';
const FROM = '共同調達事務局 <noreply@example.lg.jp>';
const START = '2026-04-01T09:00:00.000+09:00';
const MINUTE = 60_000;

interface Arrival {
  rcpt: string[];
  raw: string;
  mail: ParsedMail;
}

let server: SMTPServer;
let smtpUrl: string;
let arrivals: Arrival[] = [];
/** The reply to a recipient, by address: a code to refuse it with, or null to take it. */
let refuse: (address: string) => number | null = () => null;

let database: Database;
let consortiumId: string;
const userIds: Record<string, string> = {};
const clock = new FixedClock(START);

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse(address.address);
      if (code === null) return callback();
      const err = Object.assign(new Error(code >= 500 ? 'そのメールボックスはありません' : 'しばらくしてから再送してください'), { responseCode: code });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        arrivals.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), raw: raw.toString('latin1'), mail: await simpleParser(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

  database = await openPglite();
  await database.migrate();
  consortiumId = newId();
  await database.db.insert(consortia).values({ id: consortiumId, name: '熊本県市町村DX推進協議会', createdAt: clock.now() });
  for (const name of ['kumamoto', 'aso', 'hitoyoshi']) {
    const id = newId();
    userIds[name] = id;
    await database.db.insert(users).values({ id, consortiumId, email: `${name}@example.lg.jp`, name: `${name}担当`, role: 'member', passwordHash: 'x', createdAt: clock.now() });
  }
}, 60_000);

afterAll(async () => {
  for (const t of opened) t.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database?.close();
});

beforeEach(async () => {
  arrivals = [];
  refuse = () => null;
  clock.set(START);
  // each test starts from an empty outbox
  await database.db.delete(outbox);
  await database.db.delete(notifications);
});

/** A notification and its outbox message, as notify() writes them in the transaction of a change. */
async function queue(user: string, subject: string, body: string, over: Partial<typeof outbox.$inferInsert> = {}): Promise<string> {
  const notificationId = newId();
  const now = clock.now();
  await database.db.insert(notifications).values({ id: notificationId, consortiumId, userId: userIds[user]!, kind: 'case_published', caseId: null, subject, body, link: '/cases', createdAt: now });
  const id = newId();
  await database.db.insert(outbox).values({ id, notificationId, toAddress: `${user}@example.lg.jp`, subject, body, nextAttemptAt: now, createdAt: now, ...over });
  return id;
}

/** A transport to the test's server; each keeps its connection open, so all are closed at the end. */
const opened: MailTransport[] = [];
function transportToServer(): MailTransport {
  const t = smtpTransport(smtpUrl);
  opened.push(t);
  return t;
}

function sender(over: Partial<MailSenderOptions> = {}) {
  return createMailSender({ db: database.db, clock, config: { publicUrl: PUBLIC_URL, mail: { smtpUrl, from: FROM } }, transport: transportToServer(), ...over });
}

const rowsOf = async (ids: string[]) => {
  const rows = await database.db.select().from(outbox).where(inArray(outbox.id, ids));
  return ids.map((id) => rows.find((r) => r.id === id)!);
};
const rowOf = async (id: string) => (await rowsOf([id]))[0]!;
const messageIds = () => arrivals.map((a) => a.mail.messageId);

describe('retryDelayMs', () => {
  it('waits 1 minute after the first failure, doubling each time, at most an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n) / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });
});

describe('the mail sender', () => {
  it('delivers each due message once, in Japanese, from MAIL_FROM, with a Message-ID of its outbox row', async () => {
    const body1 = '熊本市担当 様\n\n次の調達案件を公告しました。\n\n件名　　：基幹業務システムの共同調達\n提案書の提出期限：2026年6月30日 17:00\n\nhttps://chotatsu.example.lg.jp/cases/1\n';
    const body2 = '阿蘇市担当 様\n\n質問への回答を公表しました（3件）。\n髙﨑・①・㈱・𠮷野家 も正しく届きます。\n';
    const ids = [
      await queue('kumamoto', '【公告】基幹業務システムの共同調達', body1),
      await queue('aso', '【回答】文書管理システム（質問3件）', body2),
      await queue('kumamoto', '【変更】基幹業務システムの共同調達（変更第1号）', '変更しました。\n'),
    ];
    const notYet = await queue('hitoyoshi', '【公告】まだ送らない', '後で送る\n', { nextAttemptAt: new Date(clock.now().getTime() + MINUTE) });
    const done = await queue('hitoyoshi', '【公告】送信済み', '送信済み\n', { status: 'sent', sentAt: clock.now() });

    const mailer = sender();
    expect(await mailer.runOnce()).toEqual({ sent: 3, failed: 0, retried: 0 });
    expect(arrivals).toHaveLength(3);
    const byId = new Map(arrivals.map((a) => [a.mail.messageId, a]));
    const expected = [
      [ids[0]!, 'kumamoto@example.lg.jp', '【公告】基幹業務システムの共同調達', body1],
      [ids[1]!, 'aso@example.lg.jp', '【回答】文書管理システム（質問3件）', body2],
      [ids[2]!, 'kumamoto@example.lg.jp', '【変更】基幹業務システムの共同調達（変更第1号）', '変更しました。\n'],
    ] as const;
    for (const [id, to, subject, body] of expected) {
      const arrival = byId.get(`<${id}@chotatsu.example.lg.jp>`);
      expect(arrival, id).toBeDefined();
      const { mail, rcpt, raw } = arrival!;
      expect(rcpt).toEqual([to]);
      expect(mail.to).toMatchObject({ value: [{ address: to }] });
      expect(mail.from?.value).toEqual([{ name: '共同調達事務局', address: 'noreply@example.lg.jp' }]);
      expect(mail.subject).toBe(subject);
      expect(mail.text).toBe(body);
      expect(mail.html).toBe(false);
      expect(mail.headers.get('content-type')).toMatchObject({ value: 'text/plain', params: { charset: 'utf-8' } });
      // the Japanese subject travels encoded (RFC 2047), never as raw 8-bit header bytes
      const subjectLine = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)![1]!;
      expect(subjectLine).toMatch(/=\?UTF-8\?[BQ]\?/i);
      expect(subjectLine).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    }
    expect(messageIdOf(ids[0]!, PUBLIC_URL)).toBe(`<${ids[0]}@chotatsu.example.lg.jp>`);

    const rows = await rowsOf([...ids, notYet, done]);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'pending', 'sent']);
    for (const r of rows.slice(0, 3)) expect(r).toMatchObject({ sentAt: clock.now(), leaseUntil: null, attempts: 1, lastError: null });

    // nothing is sent twice; the later one goes when it is due
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 0 });
    clock.advance(MINUTE);
    expect(await mailer.runOnce()).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(arrivals.map((a) => a.rcpt[0]).at(-1)).toBe('hitoyoshi@example.lg.jp');
    expect(new Set(messageIds()).size).toBe(4);
  });

  it('tries again after a temporary refusal (451), once the backoff has passed, and delivers the message once', async () => {
    let refusals = 0;
    refuse = (address) => (address === 'aso@example.lg.jp' && refusals++ === 0 ? 451 : null);
    const id = await queue('aso', '【公告】再送の確認', '一度目は受け取られません。\n');
    const mailer = sender();

    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 1 });
    const after = await rowOf(id);
    expect(after).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null, nextAttemptAt: new Date(clock.now().getTime() + MINUTE) });
    expect(after.lastError).toMatch(/451/);
    expect(arrivals).toHaveLength(0);

    // not before the backoff has passed
    clock.advance(MINUTE - 1);
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 0 });
    clock.advance(1);
    expect(await mailer.runOnce()).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(arrivals.map((a) => [a.rcpt, a.mail.messageId])).toEqual([[['aso@example.lg.jp'], `<${id}@chotatsu.example.lg.jp>`]]);
    expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null, sentAt: clock.now() });
  });

  it('gives a message up at once on a permanent refusal (550), and the others still go', async () => {
    refuse = (address) => (address === 'hitoyoshi@example.lg.jp' ? 550 : null);
    const bad = await queue('hitoyoshi', '【公告】届かない宛先', '宛先がありません。\n');
    const good = await queue('aso', '【公告】届く宛先', '届きます。\n');
    const mailer = sender();
    expect(await mailer.runOnce()).toEqual({ sent: 1, failed: 1, retried: 0 });
    const row = await rowOf(bad);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, leaseUntil: null, sentAt: null });
    expect(row.lastError).toMatch(/550/);
    expect((await rowOf(good)).status).toBe('sent');
    clock.advance(24 * 60 * MINUTE);
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 0 });
    expect(arrivals.map((a) => a.rcpt[0])).toEqual(['aso@example.lg.jp']);
  });

  it('does not send a message a day old (written while mail was off): it is failed as stale, the fresh one goes', async () => {
    const old = await queue('kumamoto', '【3日後が期限】入札の締切：古い案件', '古い期限です。\n');
    clock.advance(24 * 60 * MINUTE + 1);
    const fresh = await queue('aso', '【公告】新しい案件', '新しい案件です。\n');
    expect(await sender().runOnce()).toEqual({ sent: 1, failed: 0, retried: 0 });
    expect(await rowOf(old)).toMatchObject({ status: 'failed', lastError: STALE, sentAt: null });
    expect((await rowOf(fresh)).status).toBe('sent');
    expect(arrivals.map((a) => a.rcpt[0])).toEqual(['aso@example.lg.jp']);
  });

  it('gives up after maxAttempts temporary refusals, waiting longer each time', async () => {
    refuse = () => 451;
    const id = await queue('aso', '【公告】届かないまま', '届きません。\n');
    const mailer = sender({ maxAttempts: 3 });
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 1 });
    clock.advance(MINUTE);
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 1 });
    expect((await rowOf(id)).nextAttemptAt).toEqual(new Date(clock.now().getTime() + 2 * MINUTE));
    clock.advance(2 * MINUTE);
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 1, retried: 0 });
    expect(await rowOf(id)).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('survives a restart in the middle of a batch: every message is delivered, none twice', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await queue(i % 2 ? 'kumamoto' : 'aso', `【公告】案件${i}`, `案件${i}の公告です。\n`));
    // the first process dies during its third message, before that message reaches the server
    const real = transportToServer();
    let sends = 0;
    let died!: () => void;
    const death = new Promise<void>((resolve) => (died = resolve));
    const dying: MailTransport = {
      send(mail: OutgoingMail) {
        if (++sends <= 2) return real.send(mail);
        died();
        return new Promise<void>(() => {});
      },
      close: () => real.close(),
    };
    const leaseMs = 5 * MINUTE;
    void sender({ transport: dying, leaseMs }).runOnce();
    await death;
    expect(arrivals).toHaveLength(2);
    const before = await rowsOf(ids);
    expect(before.filter((r) => r.status === 'sent').map((r) => `<${r.id}@chotatsu.example.lg.jp>`).sort()).toEqual(messageIds().sort());
    expect(before.filter((r) => r.status === 'pending')).toHaveLength(3);

    // a new process leaves the dead one's messages alone while their lease lasts, then takes them over
    const next = sender({ leaseMs });
    expect(await next.runOnce()).toEqual({ sent: 0, failed: 0, retried: 0 });
    clock.advance(leaseMs + 1);
    expect(await next.runOnce()).toEqual({ sent: 3, failed: 0, retried: 0 });
    expect((await rowsOf(ids)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(messageIds().sort()).toEqual(ids.map((id) => `<${id}@chotatsu.example.lg.jp>`).sort());
  });

  it('repeats at most the one message in flight when a process dies after the server took it, under the same Message-ID', async () => {
    const ids = [await queue('kumamoto', '【公告】一通目', '一通目\n'), await queue('aso', '【公告】二通目', '二通目\n')];
    const real = transportToServer();
    let died!: () => void;
    const death = new Promise<void>((resolve) => (died = resolve));
    // the server accepts the first message and the process dies before it can mark it sent
    const dying: MailTransport = {
      async send(mail) {
        await real.send(mail);
        died();
        await new Promise<void>(() => {});
      },
      close: () => real.close(),
    };
    void sender({ transport: dying, leaseMs: MINUTE }).runOnce();
    await death;
    clock.advance(MINUTE + 1);
    expect(await sender({ leaseMs: MINUTE }).runOnce()).toEqual({ sent: 2, failed: 0, retried: 0 });
    // the repeat is recognisable: the same Message-ID twice, and every other message once
    const [inFlight, ...afterRestart] = messageIds();
    expect(afterRestart).toHaveLength(2);
    expect(afterRestart.filter((m) => m === inFlight)).toHaveLength(1);
    expect(new Set(messageIds())).toEqual(new Set(ids.map((id) => `<${id}@chotatsu.example.lg.jp>`)));
  });

  it('two senders at once deliver each message once', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 6; i++) ids.push(await queue('aso', `【公告】同時${i}`, `同時${i}\n`));
    const [a, b] = [sender({ batchSize: 4 }), sender({ batchSize: 4 })];
    const results = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(6);
    expect(messageIds().sort()).toEqual(ids.map((id) => `<${id}@chotatsu.example.lg.jp>`).sort());
  });

  it('stops after the message in flight, takes no more, and releases the rest for the next process', async () => {
    const ids = [await queue('kumamoto', '【公告】停止1', '停止1\n'), await queue('aso', '【公告】停止2', '停止2\n'), await queue('hitoyoshi', '【公告】停止3', '停止3\n')];
    const real = transportToServer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const slow: MailTransport = {
      async send(mail) {
        started();
        await gate;
        await real.send(mail);
      },
      close: () => real.close(),
    };
    const mailer = sender({ transport: slow });
    const run = mailer.runOnce();
    await inFlight;
    let stopped = false;
    const stopping = mailer.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await run).toEqual({ sent: 1, failed: 0, retried: 0 });
    const rows = await rowsOf(ids);
    expect(rows.map((r) => [r.status, r.leaseUntil]).sort()).toEqual([
      ['pending', null],
      ['pending', null],
      ['sent', null],
    ]);
    expect(messageIds()).toEqual([`<${rows.find((r) => r.status === 'sent')!.id}@chotatsu.example.lg.jp>`]);
    expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 0, retried: 0 });
    // the next process sends the rest at once, without waiting for a lease to run out
    expect(await sender().runOnce()).toEqual({ sent: 2, failed: 0, retried: 0 });
    expect(arrivals).toHaveLength(3);
  });

  it('needs SMTP_URL and MAIL_FROM', () => {
    expect(() => createMailSender({ db: database.db, clock, config: { publicUrl: PUBLIC_URL, mail: undefined }, transport: transportToServer() })).toThrow(/config\.mail/);
  });
});

// the notifications the outbox rows belong to are untouched by delivery
it('keeps the notification of a delivered message readable in the app', async () => {
  const id = await queue('aso', '【公告】アプリでも読める', 'アプリでも読めます。\n');
  await sender().runOnce();
  const [row] = await database.db.select().from(outbox).where(eq(outbox.id, id));
  const [n] = await database.db.select().from(notifications).where(eq(notifications.id, row!.notificationId));
  expect(n).toMatchObject({ subject: '【公告】アプリでも読める', readAt: null });
});
