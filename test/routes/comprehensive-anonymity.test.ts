import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'cmpa');
});
afterAll(() => h.close());

describe('総合評価 under an anonymised evaluation', () => {
  it('shows an evaluator the opened bids without naming a bidder while the scoring is open', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const evaluatorId = (await h.call('GET', '/api/me', { token: a.evaluator })).body.user.id as string;
    const created = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: { title: '総合評価の匿名審査', method: 'comprehensive', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-06-08T17:00:00.000+09:00' },
    });
    const id = created.body.case.id as string;
    const bidding = await h.call('PUT', `/api/cases/${id}/bidding`, {
      token: a.secretariat,
      body: {
        ceilingPrice: 10_000_000,
        ceilingPublic: true,
        deadlineAt: '2026-06-09T17:00:00.000+09:00',
        openingAt: '2026-06-10T10:00:00.000+09:00',
        comprehensive: { mode: 'additive', pricePoints: 30, technicalScores: { [a.vendorId]: 50, [a.otherVendorId]: 40 } },
      },
    });
    expect(bidding.status, bidding.text).toBe(200);
    const evaluation = await h.call('PUT', `/api/cases/${id}/evaluation`, {
      token: a.secretariat,
      body: { criteria: [{ code: 'tech', name: '技術提案', maxPoints: 70, mode: 'points' }], aggregation: 'average', evaluatorIds: [evaluatorId], anonymize: true },
    });
    expect(evaluation.status, evaluation.text).toBe(200);
    await putSpec(h, a.secretariat, id);
    expect((await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
    for (const [token, amount] of [[a.vendor, 8_000_000], [a.otherVendor, 7_000_000]] as const) {
      expect((await h.call('POST', `/api/cases/${id}/bids`, { token, body: { amount, lotNumber: 1 } })).status).toBe(201);
    }
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    const opened = await h.call('POST', `/api/cases/${id}/bids/open`, { token: a.secretariat });
    expect(opened.status, opened.text).toBe(200);

    const seen = await h.call('GET', `/api/cases/${id}/bids`, { token: a.evaluator });
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain(a.vendorId);
    expect(seen.text).not.toContain(a.otherVendorId);
    expect(seen.text).not.toContain('cmpa事業者');
    expect(seen.body.rounds[0].bids.map((b: { amount: number }) => b.amount).sort()).toEqual([7_000_000, 8_000_000]);
    // the secretariat sees who bid what
    const full = await h.call('GET', `/api/cases/${id}/bids`, { token: a.secretariat });
    expect(full.text).toContain(a.vendorId);
  });
});
