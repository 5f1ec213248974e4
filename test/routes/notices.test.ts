import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, outbox, users } from '../../schema/index.ts';
import { transaction } from '../../src/db/client.ts';
import { notify } from '../../src/services/notify.ts';
import { sendReminders } from '../../src/services/reminders.ts';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let pending: { id: string; token: string };

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'ntc');
  const reg = await h.call('POST', '/api/vendors/register', {
    body: { consortiumId: a.consortiumId, companyName: 'ntc未審査', email: 'pending-ntc@test.example', name: '未審査', password: PASSWORD },
  });
  pending = { id: reg.body.vendor.id, token: await h.login('pending-ntc@test.example') };
});
afterAll(() => h.close());

const userId = async (email: string) => (await h.database.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;

/** Notifications and outbox messages of one person about one case, oldest first. */
async function told(email: string, kind?: string) {
  const id = await userId(email);
  const rows = await h.database.db.select().from(notifications).where(and(eq(notifications.userId, id), kind ? eq(notifications.kind, kind) : undefined));
  const mails = await h.database.db.select().from(outbox).where(eq(outbox.toAddress, email));
  return { rows: rows.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime()), mails: mails.filter((m) => rows.some((r) => r.id === m.notificationId)) };
}

describe('notices of events', () => {
  let caseId: string;

  it('publication tells every approved vendor and the bodies taking part, never a vendor still pending', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: { title: '公告テスト 文書管理システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-06-30T17:00:00.000+09:00', questionDeadline: '2026-06-15T17:00:00.000+09:00' },
    });
    caseId = created.body.case.id;
    await h.call('PUT', `/api/cases/${caseId}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: {} } });
    expect((await told('vendor-ntc@test.example', 'case_published')).rows).toHaveLength(0);
    await putSpec(h, a.secretariat, caseId);
    const opened = await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
    expect(opened.status, opened.text).toBe(200);
    const vendor = await told('vendor-ntc@test.example', 'case_published');
    expect(vendor.rows).toHaveLength(1);
    expect(vendor.rows[0]!.subject).toBe('【公告】公告テスト 文書管理システム');
    expect(vendor.rows[0]!.body).toContain('提案書の提出期限：令和8年6月30日(火) 17:00');
    expect(vendor.rows[0]!.body).toContain(`http://localhost:3000/cases/${caseId}`);
    expect(vendor.mails).toHaveLength(1);
    expect((await told('vendor2-ntc@test.example', 'case_published')).rows).toHaveLength(1);
    expect((await told('member-ntc@test.example', 'case_published')).rows).toHaveLength(1);
    expect((await told('pending-ntc@test.example', 'case_published')).rows).toHaveLength(0);
  });

  it('a change that rolls back tells nobody', async () => {
    const before = (await h.database.db.select().from(notifications)).length;
    const mailsBefore = (await h.database.db.select().from(outbox)).length;
    await expect(
      transaction(h.database.db, async (tx) => {
        await notify(h.deps, tx, { kind: 'case_published', caseId });
        throw new Error('the change fails after its notice was written');
      }),
    ).rejects.toThrow('the change fails');
    expect((await h.database.db.select().from(notifications)).length).toBe(before);
    expect((await h.database.db.select().from(outbox)).length).toBe(mailsBefore);
  });

  it('a refused change writes no notice', async () => {
    const before = (await h.database.db.select().from(notifications)).length;
    const again = await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'rfi' } });
    expect(again.status).toBe(409);
    expect((await h.database.db.select().from(notifications)).length).toBe(before);
  });

  it('a follow is the vendor’s own, and taking part follows', async () => {
    expect((await h.call('GET', `/api/cases/${caseId}/follow`, { token: a.vendor })).body).toEqual({ following: false });
    expect((await h.call('PUT', `/api/cases/${caseId}/follow`, { token: a.vendor })).body).toEqual({ following: true });
    expect((await h.call('GET', `/api/cases/${caseId}/follow`, { token: a.otherVendor })).body).toEqual({ following: false });
    expect((await h.call('PUT', `/api/cases/${caseId}/follow`, { token: a.secretariat })).status).toBe(403);
    const priced = await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.otherVendor, body: { price: 1_000_000 } });
    expect(priced.status, priced.text).toBe(200);
    expect((await h.call('GET', `/api/cases/${caseId}/follow`, { token: a.otherVendor })).body).toEqual({ following: true });
  });

  it('reminders reach followers who have not acted, 3 days and 1 day before, each once however often they run', async () => {
    await h.call('PUT', `/api/cases/${caseId}/follow`, { token: a.otherVendor });
    // a question from the other vendor counts as having acted for the question deadline
    h.clock.set('2026-06-12T18:00:00.000+09:00');
    expect(await sendReminders(h.deps)).toBeGreaterThan(0);
    const first = await told('vendor-ntc@test.example', 'deadline_reminder');
    expect(first.rows.map((r) => r.subject)).toEqual(['【3日後が期限】質問の受付期限：公告テスト 文書管理システム']);
    expect(await sendReminders(h.deps)).toBe(0);
    h.clock.set('2026-06-14T18:00:00.000+09:00');
    await sendReminders(h.deps);
    await sendReminders(h.deps);
    const both = await told('vendor-ntc@test.example', 'deadline_reminder');
    expect(both.rows.map((r) => r.subject)).toEqual(['【3日後が期限】質問の受付期限：公告テスト 文書管理システム', '【明日が期限】質問の受付期限：公告テスト 文書管理システム']);
    expect(both.mails).toHaveLength(2);
    // a vendor that does not follow the case is not reminded
    expect((await told('pending-ntc@test.example', 'deadline_reminder')).rows).toHaveLength(0);
    h.clock.set('2026-06-27T18:00:00.000+09:00');
    await sendReminders(h.deps);
    const proposal = await told('vendor-ntc@test.example', 'deadline_reminder');
    expect(proposal.rows.at(-1)!.subject).toBe('【3日後が期限】提案書の提出期限：公告テスト 文書管理システム');
    // the other vendor has priced its proposal: no proposal reminder for it
    const other = await told('vendor2-ntc@test.example', 'deadline_reminder');
    expect(other.rows.some((r) => r.subject.includes('提案書'))).toBe(false);
    const audited = await h.call('GET', `/api/audit?caseId=${caseId}`, { token: a.secretariat });
    expect(JSON.stringify(audited.body)).toContain('notice.reminder');
  });

  it('a vendor’s qualification decision tells its people', async () => {
    const decided = await h.call('POST', `/api/vendors/${pending.id}/qualification`, { token: a.secretariat, body: { status: 'rejected', reason: '登録書類の不備' } });
    expect(decided.status, decided.text).toBe(200);
    const rows = (await told('pending-ntc@test.example', 'qualification_decided')).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body).toContain('不承認');
    expect(rows[0]!.body).toContain('登録書類の不備');
  });

  it('an opening tells its bidders how the round ended, never an amount', async () => {
    h.clock.set('2026-07-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '開札テスト', method: 'competitive_bid', contractMode: 'bulk', fiscalYear: 2026 } });
    const id = created.body.case.id as string;
    await h.call('PUT', `/api/cases/${id}/bidding`, {
      token: a.secretariat,
      body: { ceilingPrice: 10_000_000, ceilingPublic: false, floorPrice: 8_000_000, deadlineAt: '2026-07-09T17:00:00.000+09:00', openingAt: '2026-07-10T10:00:00.000+09:00', maxRounds: 1 },
    });
    await putSpec(h, a.secretariat, id);
    await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    h.clock.set('2026-07-05T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${id}/bids`, { token: a.vendor, body: { amount: 9_123_456, lotNumber: 1 } })).status).toBe(201);
    h.clock.set('2026-07-10T10:00:00.000+09:00');
    const opened = await h.call('POST', `/api/cases/${id}/bids/open`, { token: a.secretariat });
    expect(opened.status, opened.text).toBe(200);
    const bidder = (await told('vendor-ntc@test.example', 'opening_result')).rows;
    expect(bidder).toHaveLength(1);
    expect(bidder[0]!.subject).toBe('【開札結果】開札テスト（第1回）');
    expect(bidder[0]!.body).toContain('結果：落札');
    for (const secret of ['9,123,456', '9123456', '10,000,000', '8,000,000']) expect(bidder[0]!.body).not.toContain(secret);
    expect((await told('vendor2-ntc@test.example', 'opening_result')).rows).toHaveLength(0);
  });

  it('e-mail follows each person’s choice per kind; the notification stays in the app', async () => {
    const id = await userId('vendor2-ntc@test.example');
    await transaction(h.database.db, async (tx) => {
      const { notificationPrefs } = await import('../../schema/index.ts');
      await tx.insert(notificationPrefs).values({ userId: id, kind: 'case_published', email: false });
    });
    h.clock.set('2026-07-11T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: 'メール不要テスト', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    await putSpec(h, a.secretariat, created.body.case.id);
    await h.call('POST', `/api/cases/${created.body.case.id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    const other = await told('vendor2-ntc@test.example', 'case_published');
    expect(other.rows.map((r) => r.subject)).toContain('【公告】メール不要テスト');
    expect(other.mails.map((m) => m.subject)).not.toContain('【公告】メール不要テスト');
    expect((await told('vendor-ntc@test.example', 'case_published')).mails.map((m) => m.subject)).toContain('【公告】メール不要テスト');
  });
});
