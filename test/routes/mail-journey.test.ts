import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSender } from '../../src/mail/sender.ts';
import { smtpTransport } from '../../src/mail/transport.ts';
import { sendReminders } from '../../src/services/reminders.ts';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

// A vendor that registers, is approved and follows a case learns of everything it needs by e-mail alone:
// the service runs as configured (SMTP_URL, MAIL_FROM) against a real SMTP server, and the vendor's
// knowledge is only what arrives in its mailbox, read with mailparser as a mail client reads it.

const VENDOR = 'sales@kumamoto-soft.example.jp';
const FROM = '熊本県電子自治体共同運営協議会 <noreply@chotatsu.example.lg.jp>';

let server: SMTPServer;
let smtpUrl: string;
const inbox: { rcpt: string[]; mail: ParsedMail }[] = [];
let h: Harness;
let a: Tenant;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        inbox.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), mail: await simpleParser(Buffer.concat(chunks)) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  h = await createHarness({
    sessionIdleMs: 365 * 86_400_000,
    sessionMaxMs: 400 * 86_400_000,
    publicUrl: 'https://chotatsu.example.lg.jp',
    mail: { smtpUrl, from: FROM },
  });
  a = await createTenant(h, 'journey');
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Delivers what the outbox holds, as the running service does every few seconds. */
async function deliver() {
  const transport = smtpTransport(smtpUrl);
  const sender = createMailSender({ db: h.database.db, clock: h.clock, config: h.deps.config, transport });
  try {
    await sender.runOnce();
  } finally {
    await sender.stop();
    transport.close();
  }
}

/** The vendor's mail since the last look. */
let seen = 0;
function newMail() {
  const mine = inbox.filter((m) => m.rcpt.includes(VENDOR));
  const fresh = mine.slice(seen);
  seen = mine.length;
  return fresh.map((m) => m.mail);
}

describe('a vendor learns of a case by e-mail alone', () => {
  let vendorToken: string;
  let vendorId: string;
  let caseId: string;

  it('registers, and hears of its approval', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const reg = await h.call('POST', '/api/vendors/register', {
      body: { consortiumId: a.consortiumId, companyName: '株式会社くまもとソフト', email: VENDOR, name: '営業部 田中', password: PASSWORD },
    });
    expect(reg.status, reg.text).toBe(201);
    vendorId = reg.body.vendor.id;
    vendorToken = await h.login(VENDOR);
    await deliver();
    expect(newMail()).toHaveLength(0);
    expect((await h.call('POST', `/api/vendors/${vendorId}/qualification`, { token: a.secretariat, body: { status: 'approved' } })).status).toBe(200);
    await deliver();
    const [approved, ...more] = newMail();
    expect(more).toHaveLength(0);
    expect(approved!.subject).toBe('【入札参加資格】審査結果のお知らせ');
    expect(approved!.text).toContain('株式会社くまもとソフト の入札参加資格の審査結果をお知らせします。');
    expect(approved!.text).toContain('結果：承認');
    expect(approved!.from?.text).toContain('noreply@chotatsu.example.lg.jp');
  });

  it('hears of the publication, with the deadlines and a link to the case', async () => {
    const created = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: { title: '住民記録システム標準化対応', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026, questionDeadline: '2026-06-10T17:00:00.000+09:00' },
    });
    caseId = created.body.case.id;
    const bidding = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: a.secretariat,
      body: { ceilingPrice: 30_000_000, ceilingPublic: false, floorPrice: 24_000_000, deadlineAt: '2026-06-19T17:00:00.000+09:00', openingAt: '2026-06-22T10:00:00.000+09:00', maxRounds: 1 },
    });
    expect(bidding.status, bidding.text).toBe(200);
    await putSpec(h, a.secretariat, caseId);
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
    await deliver();
    const [published, ...more] = newMail();
    expect(more).toHaveLength(0);
    expect(published!.subject).toBe('【公告】住民記録システム標準化対応');
    expect(published!.text).toContain('調達方式：一般競争入札');
    expect(published!.text).toContain('質問受付期限：令和8年6月10日(水) 17:00');
    expect(published!.text).toContain(`https://chotatsu.example.lg.jp/cases/${caseId}`);
    // the subject travels encoded, and is read back as it was written
    expect(published!.headers.get('subject')).toBe('【公告】住民記録システム標準化対応');
    for (const secret of ['30,000,000', '24,000,000', '30000000']) expect(published!.text).not.toContain(secret);
  });

  it('follows the case and hears of the published answers without learning who asked', async () => {
    expect((await h.call('PUT', `/api/cases/${caseId}/follow`, { token: vendorToken })).body).toEqual({ following: true });
    const asked = await h.call('POST', `/api/cases/${caseId}/questions`, { token: a.otherVendor, body: { text: '既存システムのデータ移行は範囲に含まれますか。', section: '仕様書 第3' } });
    expect(asked.status, asked.text).toBe(201);
    const questionId = asked.body.question.id;
    expect((await h.call('PUT', `/api/cases/${caseId}/questions/${questionId}`, { token: a.secretariat, body: { answer: '含みます。移行対象は仕様書別紙2のとおりです。' } })).status).toBe(200);
    expect((await h.call('POST', `/api/cases/${caseId}/questions/publish`, { token: a.secretariat })).status).toBe(200);
    await deliver();
    const [answered, ...more] = newMail();
    expect(more).toHaveLength(0);
    expect(answered!.subject).toBe('【質問回答】住民記録システム標準化対応');
    expect(answered!.text).toContain('回答を公表しました（1 件）');
    expect(answered!.text).not.toContain('journey事業者2');
  });

  it('hears of a deadline change, with the reason and the before and after', async () => {
    const moved = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: a.secretariat,
      body: {
        ceilingPrice: 30_000_000,
        ceilingPublic: false,
        floorPrice: 24_000_000,
        deadlineAt: '2026-06-26T17:00:00.000+09:00',
        openingAt: '2026-06-29T10:00:00.000+09:00',
        maxRounds: 1,
        reason: '質問への回答で移行範囲を明確にしたため、入札の準備期間を延長します。',
      },
    });
    expect(moved.status, moved.text).toBe(200);
    await deliver();
    const [changed, ...more] = newMail();
    expect(more).toHaveLength(0);
    expect(changed!.subject).toBe('【変更】住民記録システム標準化対応（変更第1号）');
    expect(changed!.text).toContain('理由：質問への回答で移行範囲を明確にしたため、入札の準備期間を延長します。');
    expect(changed!.text).toMatch(/6月19日.*→.*6月26日/);
    for (const secret of ['30,000,000', '24,000,000']) expect(changed!.text).not.toContain(secret);
  });

  it('is reminded before the bid deadline while it has not bid, once', async () => {
    h.clock.set('2026-06-23T18:00:00.000+09:00');
    await sendReminders(h.deps);
    await sendReminders(h.deps);
    await deliver();
    const [reminder, ...more] = newMail();
    expect(more).toHaveLength(0);
    expect(reminder!.subject).toBe('【3日後が期限】入札の締切：住民記録システム標準化対応');
    expect(reminder!.text).toContain('入札の締切：令和8年6月26日(金) 17:00');
  });

  it('bids, and hears how the opening ended, without any amount', async () => {
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: vendorToken, body: { amount: 27_540_000, lotNumber: 314 } })).status).toBe(201);
    h.clock.set('2026-06-25T18:00:00.000+09:00');
    await sendReminders(h.deps);
    h.clock.set('2026-06-29T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat })).status).toBe(200);
    await deliver();
    const [opening, ...more] = newMail();
    expect(more).toHaveLength(0);
    expect(opening!.subject).toBe('【開札結果】住民記録システム標準化対応（第1回）');
    expect(opening!.text).toContain('結果：落札');
    for (const secret of ['27,540,000', '27540000', '30,000,000', '24,000,000']) expect(opening!.text).not.toContain(secret);
  });

  it('received each message once, one per event, each with its own Message-ID', () => {
    const mine = inbox.filter((m) => m.rcpt.includes(VENDOR));
    expect(mine.map((m) => m.mail.subject)).toEqual([
      '【入札参加資格】審査結果のお知らせ',
      '【公告】住民記録システム標準化対応',
      '【質問回答】住民記録システム標準化対応',
      '【変更】住民記録システム標準化対応（変更第1号）',
      '【3日後が期限】入札の締切：住民記録システム標準化対応',
      '【開札結果】住民記録システム標準化対応（第1回）',
    ]);
    expect(new Set(mine.map((m) => m.mail.messageId)).size).toBe(mine.length);
    for (const m of mine) expect(m.rcpt).toEqual([VENDOR]);
  });
});
