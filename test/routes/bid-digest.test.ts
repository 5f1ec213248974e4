import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bids } from '../../schema/index.ts';
import { canonicalJson } from '../../src/domain/audit-chain.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'dig');
});
afterAll(() => h.close());

const AMOUNT = 7_654_321;

describe('a receipt digest read from the database', () => {
  it('cannot be recomputed from the bid row for the true amount, yet the vendor verifies it after the opening', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '封印確認', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    const caseId = created.body.case.id as string;
    await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: a.secretariat,
      body: { ceilingPrice: 10_000_000, ceilingPublic: false, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00' },
    });
    await putSpec(h, a.secretariat, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
    h.clock.set('2026-06-05T10:15:30.123+09:00');
    const placed = await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.vendor, body: { amount: AMOUNT, lotNumber: 321 } });
    expect(placed.status).toBe(201);

    // someone holding the database: the row, every column of it, and the one unknown (the amount) guessed right
    const [row] = await h.database.db.select().from(bids).where(eq(bids.id, placed.body.receipt.bidId));
    const content = { caseId: row!.caseId, round: row!.round, vendorId: row!.vendorId, amount: AMOUNT, lotNumber: row!.lotNumber, receivedAt: row!.receivedAt.toISOString() };
    const columns = Object.values(row!).map((v) => (v instanceof Date ? v.toISOString() : String(v)));
    const candidates = ['', ...columns].flatMap((salt) => [`${canonicalJson(content)}:${salt}`, `${canonicalJson(content)}${salt}`, canonicalJson({ ...content, salt })]);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(candidates.map(sha)).not.toContain(row!.digest);
    expect(row!.digest).toBe(placed.body.receipt.digest);

    h.clock.set('2026-06-10T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat })).status).toBe(200);
    const mine = await h.call('GET', `/api/cases/${caseId}/bids/mine`, { token: a.vendor });
    const own = mine.body.bids[0];
    expect(own.digestInput).toBe(`${canonicalJson(content)}:${own.salt}`);
    expect(sha(own.digestInput)).toBe(placed.body.receipt.digest);
  });
});
