import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, bids } from '../../schema/index.ts';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let third: { id: string; token: string };

const OPENING = '2026-06-10T10:00:00.000+09:00';
const DEADLINE = '2026-06-09T17:00:00.000+09:00';

beforeAll(async () => {
  // the tenders span days of the test clock: sessions outlast them so no test has to log in again
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'bid');
  const reg = await h.call('POST', '/api/vendors/register', {
    body: { consortiumId: a.consortiumId, companyName: 'bid事業者3', email: 'vendor3-bid@test.example', name: '三', password: PASSWORD },
  });
  third = { id: reg.body.vendor.id, token: await h.login('vendor3-bid@test.example') };
  // a vendor that registered itself proposes and bids once the secretariat has approved it (入札参加資格)
  await h.call('POST', `/api/vendors/${third.id}/qualification`, { token: a.secretariat, body: { status: 'approved' } });
});
afterAll(() => h.close());


async function tender(title: string, over: Record<string, unknown> = {}) {
  h.clock.set('2026-06-01T09:00:00.000+09:00');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title, method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
  const id = created.body.case.id as string;
  const set = await h.call('PUT', `/api/cases/${id}/bidding`, {
    token: a.secretariat,
    body: { ceilingPrice: 10_000_000, ceilingPublic: false, floorPrice: 8_000_000, investigationPrice: 8_500_000, deadlineAt: DEADLINE, openingAt: OPENING, maxRounds: 2, ...over },
  });
  expect(set.status, set.text).toBe(200);
  await putSpec(h, a.secretariat, id);
  await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } });
  return id;
}

const bid = (token: string, caseId: string, amount: number, lotNumber = 0) => h.call('POST', `/api/cases/${caseId}/bids`, { token, body: { amount, lotNumber } });

const atOpening = () => h.clock.set(OPENING);

describe('sealed bids', () => {
  let caseId: string;

  it('answer a receipt with a digest, once per vendor per round', async () => {
    caseId = await tender('電子契約システム');
    h.clock.set('2026-06-05T10:15:30.123+09:00');
      const res = await bid(a.vendor, caseId, 9_123_456, 777);
    expect(res.status).toBe(201);
    expect(res.body.receipt).toMatchObject({ round: 1, receivedAt: '2026-06-05T01:15:30.123Z', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await bid(a.vendor, caseId, 9_000_000, 1);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_submitted');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/decline`, { token: a.vendor })).status).toBe(409);
  });

  it('are never shown before the opening: not by any endpoint, to any role, nor in the audit trail or the table', async () => {
    await bid(a.otherVendor, caseId, 9_555_555, 5);
    const amounts = ['9123456', '9,123,456', '9555555', '9,555,555'];
    const leaks = (text: string) => amounts.filter((x) => text.includes(x));
    const paths = [`/api/cases/${caseId}/bids`, `/api/cases/${caseId}/bids/mine`, `/api/cases/${caseId}/bidding`, `/api/cases/${caseId}`, `/api/audit?limit=1000`, `/api/audit?caseId=${caseId}`];
    for (const token of [a.secretariat, a.vendor, a.otherVendor, third.token, a.member, a.evaluator]) {
      for (const path of paths) {
        const res = await h.call('GET', path, { token });
        expect(leaks(res.text), `${path}`).toEqual([]);
      }
    }
    const rows = await h.database.db.select().from(bids);
    for (const row of rows) {
      expect(row.openedAmount).toBeNull();
      expect(leaks(JSON.stringify(row))).toEqual([]);
    }
    const log = await h.database.db.select().from(auditLog);
    expect(leaks(JSON.stringify(log))).toEqual([]);
    // the secretariat sees that bids arrived, and when, but not for how much
    const list = await h.call('GET', `/api/cases/${caseId}/bids`, { token: a.secretariat });
    expect(list.body.rounds[0]).toMatchObject({ round: 1, opened: false, received: 2 });
    expect(list.body.rounds[0].bids[0]).not.toHaveProperty('amount');
    // a vendor sees only its own bid
    const own = await h.call('GET', `/api/cases/${caseId}/bids`, { token: a.vendor });
    expect(own.body.rounds[0].bids.map((b: { vendorId: string }) => b.vendorId)).toEqual([a.vendorId]);
  });

  it('close at the deadline', async () => {
    h.clock.set('2026-06-09T17:00:00.001+09:00');
      const late = await bid(third.token, caseId, 9_000_000);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');
  });

  it('open only at the opening time, exactly once even when two requests race', async () => {
    const early = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_yet');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.vendor })).status).toBe(403);
    await atOpening();
    const [one, two] = await Promise.all([
      h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat }),
      h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat }),
    ]);
    expect(one.status).toBe(200);
    expect(two.body).toEqual(one.body);
    expect(one.body).toMatchObject({ round: 1, outcome: 'awarded', winner: { vendorId: a.vendorId, amount: 9_123_456, amountWithTax: 10_035_801 } });
    const opens = (await h.database.db.select().from(auditLog)).filter((e) => e.action === 'bid.open');
    expect(opens).toHaveLength(1);
  });

  it('let a vendor check its receipt against the opened amount', async () => {
    const mine = await h.call('GET', `/api/cases/${caseId}/bids/mine`, { token: a.vendor });
    const own = mine.body.bids[0];
    expect(own.amount).toBe(9_123_456);
    expect(createHash('sha256').update(own.digestInput).digest('hex')).toBe(own.digest);
    expect(own.digestInput).toContain('"amount":9123456');
    const everyone = await h.call('GET', `/api/cases/${caseId}/bids`, { token: third.token });
    expect(everyone.body.rounds[0].bids.map((b: { amount: number }) => b.amount).sort()).toEqual([9_123_456, 9_555_555]);
  });
});

describe('ties, floors, re-bids and investigation', () => {
  it('breaks a tie of equal lowest bids by the electronic lot, with its arithmetic', async () => {
    const caseId = await tender('AI議事録作成システム');
    h.clock.set('2026-06-05T10:00:00.250+09:00');
      await bid(a.vendor, caseId, 9_000_000, 123);
    h.clock.set('2026-06-05T11:00:00.900+09:00');
      await bid(a.otherVendor, caseId, 9_000_000, 500);
    await atOpening();
    const result = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    // (123 + 250) mod 1000 = 373 (order 0), (500 + 900) mod 1000 = 400 (order 1); 773 mod 2 = 1
    expect(result.body.lot).toEqual({
      entries: [
        { vendorId: a.vendorId, order: 0, lotNumber: 123, systemValue: 250, drawnNumber: 373 },
        { vendorId: a.otherVendorId, order: 1, lotNumber: 500, systemValue: 900, drawnNumber: 400 },
      ],
      sum: 773,
      remainder: 1,
      winnerVendorId: a.otherVendorId,
    });
    expect(result.body.winner.vendorId).toBe(a.otherVendorId);
  });

  it('mixes paper bids (lot number 000 by default) with electronic ones', async () => {
    const caseId = await tender('紙入札あり');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
      await bid(a.vendor, caseId, 9_800_000, 1);
    const future = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: third.id, amount: 9_700_000, receivedAt: '2026-06-05T10:00:01.000+09:00' } });
    expect(future.status).toBe(400);
    const paper = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: third.id, amount: 9_700_000, receivedAt: '2026-06-04T15:30:00.000+09:00' } });
    expect(paper.status).toBe(201);
    expect((await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.vendor, body: { vendorId: third.id, amount: 1, receivedAt: '2026-06-04T15:30:00.000+09:00' } })).status).toBe(403);
    await atOpening();
    const result = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(result.body.winner.vendorId).toBe(third.id);
    expect(result.body.bids.find((b: { vendorId: string }) => b.vendorId === third.id)).toMatchObject({ kind: 'paper', lotNumber: 0, status: 'valid' });
  });

  it('re-bids when nothing is within the ceiling, only for those bidders, and fails after the last round', async () => {
    const caseId = await tender('再度入札', { maxRounds: 2 });
    h.clock.set('2026-06-05T10:00:00.000+09:00');
      await bid(a.vendor, caseId, 10_500_000, 1);
    await bid(a.otherVendor, caseId, 10_200_000, 2);
    await h.call('POST', `/api/cases/${caseId}/bids/decline`, { token: third.token });
    await atOpening();
    const first = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(first.body.outcome).toBe('rebid');
    expect(first.body.bids.map((b: { status: string }) => b.status).sort()).toEqual(['declined', 'over_ceiling', 'over_ceiling']);
    const round2 = await h.call('POST', `/api/cases/${caseId}/bids/rounds`, { token: a.secretariat, body: { deadlineAt: '2026-06-10T11:00:00.000+09:00', openingAt: '2026-06-10T11:30:00.000+09:00' } });
    expect(round2.status).toBe(201);
    expect(round2.body.round.round).toBe(2);
    expect((await bid(third.token, caseId, 9_000_000)).status).toBe(403);
    expect((await bid(a.vendor, caseId, 10_100_000, 3)).status).toBe(201);
    expect((await bid(a.otherVendor, caseId, 10_050_000, 4)).status).toBe(201);
    h.clock.set('2026-06-10T11:30:00.000+09:00');
      const second = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(second.body.outcome).toBe('failed');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/rounds`, { token: a.secretariat, body: { deadlineAt: '2026-06-11T11:00:00.000+09:00', openingAt: '2026-06-11T11:30:00.000+09:00' } })).status).toBe(409);
    const history = await h.call('GET', `/api/cases/${caseId}/bids`, { token: a.member });
    expect(history.body.rounds.map((r: { round: number; outcome: string }) => [r.round, r.outcome])).toEqual([[1, 'rebid'], [2, 'failed']]);
  });

  it('holds a low bid for investigation, then moves on when it is rejected with a reason', async () => {
    const caseId = await tender('低入札調査');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
      await bid(a.vendor, caseId, 8_200_000, 1);
    await bid(a.otherVendor, caseId, 9_400_000, 2);
    await bid(third.token, caseId, 7_900_000, 3);
    await atOpening();
    const opened = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(opened.body.outcome).toBe('investigation');
    expect(opened.body.bids.map((b: { vendorId: string; status: string }) => [b.vendorId, b.status])).toEqual(
      expect.arrayContaining([[a.vendorId, 'investigation'], [third.id, 'below_floor'], [a.otherVendorId, 'valid']]),
    );
    const noReason = await h.call('POST', `/api/cases/${caseId}/bids/investigation`, { token: a.secretariat, body: { confirm: false, reason: '' } });
    expect(noReason.status).toBe(400);
    const rejected = await h.call('POST', `/api/cases/${caseId}/bids/investigation`, { token: a.secretariat, body: { confirm: false, reason: '積算内容に履行可能性が認められない' } });
    expect(rejected.body).toMatchObject({ outcome: 'awarded', winner: { vendorId: a.otherVendorId, amount: 9_400_000 } });
    expect(rejected.body.bids.find((b: { vendorId: string }) => b.vendorId === a.vendorId).status).toBe('rejected');
    expect(rejected.body.decisions[0]).toMatchObject({ confirm: false, reason: '積算内容に履行可能性が認められない', vendorId: a.vendorId });
  });
});

describe('総合評価 (comprehensive) through the API', () => {
  it('awards the highest evaluation value', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
      const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '総合評価', method: 'comprehensive', contractMode: 'individual', fiscalYear: 2026 } });
    const caseId = created.body.case.id;
    const set = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: a.secretariat,
      body: {
        ceilingPrice: 10_000_000, ceilingPublic: true, deadlineAt: DEADLINE, openingAt: OPENING,
        comprehensive: { mode: 'additive', pricePoints: 50, technicalScores: { [a.vendorId]: 50, [a.otherVendorId]: 60 } },
      },
    });
    expect(set.status).toBe(200);
    await putSpec(h, a.secretariat, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
    const seen = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.vendor });
    expect(seen.body.bidding.ceilingPrice).toBe(10_000_000);
    expect(seen.body.bidding.comprehensive).not.toHaveProperty('technicalScores');
    await bid(a.vendor, caseId, 8_000_000);
    await bid(a.otherVendor, caseId, 9_500_000);
    await atOpening();
    const result = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    // 50 + 50 × 0.2 = 60 vs 60 + 50 × 0.05 = 62.5
    expect(result.body.winner.vendorId).toBe(a.otherVendorId);
  });
});
