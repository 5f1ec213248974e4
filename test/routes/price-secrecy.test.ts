import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, assertPdfToolsInstalled, rawText } from '../documents/pdf-tools.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

// 予定価格, 最低制限価格 and 低入札価格調査基準価格 are published with the result (事後公表): between the
// rounds of a re-bid and while a low bid is investigated, nobody but the secretariat may learn them from
// any answer, page, PDF, OCDS release or export — a bidder who knew them would bid just under them.

let h: Harness;
let a: Tenant;
const scratch = new Scratch();

const CEILING = 7_345_678;
const FLOOR = 5_987_654;
const THRESHOLD = 6_543_210;
const texts = (n: number) => [n.toLocaleString('en-US'), String(n)];
const reserved = [...texts(CEILING), ...texts(FLOOR), ...texts(THRESHOLD)];
const limits = [...texts(FLOOR), ...texts(THRESHOLD)];

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'ps');
});
afterAll(async () => {
  scratch.remove();
  await h.close();
});

async function tender(title: string, over: Record<string, unknown> = {}, method = 'competitive_bid') {
  h.clock.set('2026-06-01T09:00:00.000+09:00');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title, method, contractMode: 'individual', fiscalYear: 2026 } });
  const id = created.body.case.id as string;
  const set = await h.call('PUT', `/api/cases/${id}/bidding`, {
    token: a.secretariat,
    body: { ceilingPrice: CEILING, ceilingPublic: false, floorPrice: FLOOR, investigationPrice: THRESHOLD, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00', maxRounds: 2, ...over },
  });
  expect(set.status, set.text).toBe(200);
  await putSpec(h, a.secretariat, id);
  expect((await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
  return id;
}

const bid = (token: string, caseId: string, amount: number) => h.call('POST', `/api/cases/${caseId}/bids`, { token, body: { amount, lotNumber: 1 } });

/** The tabulation PDF's text as `token` gets it. */
async function tabulation(caseId: string, token: string, name: string) {
  const res = await h.call('GET', `/api/cases/${caseId}/documents/bid-tabulation.pdf`, { token });
  expect(res.status, res.text.slice(0, 200)).toBe(200);
  return rawText(scratch.write(name, res.bytes));
}

/**
 * Everything a non-secretariat caller can read about the case: its API answers, its pages, the public
 * views and exports, OCDS and the tabulation PDF. Answers `[where, text]` pairs.
 */
async function everythingOutsideTheSecretariat(caseId: string, stage: string): Promise<[string, string][]> {
  const seen: [string, string][] = [];
  const get = async (label: string, path: string, token?: string) => {
    const res = await h.call('GET', path, token ? { token } : {});
    expect(res.status, `${label} ${path}: ${res.text.slice(0, 200)}`).toBe(200);
    seen.push([`${label} ${path}`, res.text]);
  };
  for (const [label, token] of [['vendor', a.vendor], ['otherVendor', a.otherVendor], ['member', a.member], ['evaluator', a.evaluator]] as const) {
    for (const path of [`/api/cases/${caseId}/bidding`, `/api/cases/${caseId}/bids`, `/api/cases/${caseId}`, `/api/cases/${caseId}/schedule-changes`]) await get(label, path, token);
  }
  for (const path of [`/api/cases/${caseId}/bids/mine`]) {
    await get('vendor', path, a.vendor);
    await get('otherVendor', path, a.otherVendor);
  }
  await get('member', `/api/cases/${caseId}/ocds`, a.member);
  for (const path of [`/api/public/cases/${caseId}`, `/api/public/cases/${caseId}/ocds`, '/api/public/export/2026/ocds.json', '/api/public/export/2026/cases.csv', '/public', `/public/cases/${caseId}`]) await get('public', path);
  const pages: [string, string, string[]][] = [
    ['vendor', 'vendor-ps@test.example', [`/cases/${caseId}`, `/cases/${caseId}/bid`, '/cases']],
    ['otherVendor', 'vendor2-ps@test.example', [`/cases/${caseId}`, `/cases/${caseId}/bid`]],
    ['member', 'member-ps@test.example', [`/cases/${caseId}`, '/cases']],
    ['evaluator', 'eval-ps@test.example', [`/cases/${caseId}`]],
  ];
  for (const [label, email, paths] of pages) {
    const cookie = await h.cookieFor(email);
    for (const path of paths) {
      const res = await h.page(cookie, path);
      expect(res.status, `${label} ${path}`).toBe(200);
      seen.push([`${label} page ${path}`, res.text]);
    }
  }
  seen.push([`member tabulation`, await tabulation(caseId, a.member, `member-${stage}.pdf`)]);
  return seen;
}

const leaks = (seen: [string, string][], secrets: string[]) => seen.flatMap(([where, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${where} shows ${s}`));

describe('price secrecy through a re-bid and an investigation', () => {
  let caseId: string;

  it('keeps every reserved price from bidders, members and the public between the rounds of a re-bid', async () => {
    caseId = await tender('庁舎清掃業務（再度入札）');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    expect((await bid(a.vendor, caseId, 7_400_000)).status).toBe(201);
    expect((await bid(a.otherVendor, caseId, 7_500_000)).status).toBe(201);
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    const opened = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(opened.body.outcome).toBe('rebid');

    // round 1 opened with a re-bid, round 2 not yet called
    const vendorView = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.vendor });
    expect(vendorView.body.bidding).toMatchObject({ ceilingPrice: null, concluded: false });
    expect(vendorView.body.bidding).not.toHaveProperty('floorPrice');
    expect(vendorView.body.bidding).not.toHaveProperty('investigationPrice');
    const secretariatView = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.secretariat });
    expect(secretariatView.body.bidding).toMatchObject({ ceilingPrice: CEILING, floorPrice: FLOOR, investigationPrice: THRESHOLD, concluded: false });
    expect(leaks(await everythingOutsideTheSecretariat(caseId, 'rebid'), reserved)).toEqual([]);
    // the statuses still tell each bidder it was over the ceiling, without saying by how much
    const bids = await h.call('GET', `/api/cases/${caseId}/bids`, { token: a.vendor });
    expect(bids.body.rounds[0].bids.map((b: { status: string }) => b.status)).toEqual(['over_ceiling', 'over_ceiling']);

    // round 2 called and pending
    const round2 = await h.call('POST', `/api/cases/${caseId}/bids/rounds`, { token: a.secretariat, body: { deadlineAt: '2026-06-11T17:00:00.000+09:00', openingAt: '2026-06-12T10:00:00.000+09:00' } });
    expect(round2.status).toBe(201);
    expect(leaks(await everythingOutsideTheSecretariat(caseId, 'round2'), reserved)).toEqual([]);
  });

  it('draws the tabulation before the conclusion without any reserved price, for the secretariat too', async () => {
    const text = await tabulation(caseId, a.secretariat, 'secretariat-rebid.pdf');
    expect(text).toContain('入札経過調書');
    expect(text).toContain('7,400,000円');
    expect(text).toContain('事後公表');
    expect(text).toContain('入札の途中経過');
    expect(reserved.filter((s) => text.includes(s))).toEqual([]);
  });

  it('keeps them while the winning low bid is under investigation', async () => {
    h.clock.set('2026-06-11T10:00:00.000+09:00');
    expect((await bid(a.vendor, caseId, 6_000_000)).status).toBe(201);
    expect((await bid(a.otherVendor, caseId, 7_000_000)).status).toBe(201);
    h.clock.set('2026-06-12T10:00:00.000+09:00');
    const opened = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(opened.body.outcome).toBe('investigation');
    const view = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.otherVendor });
    expect(view.body.bidding).toMatchObject({ ceilingPrice: null, concluded: false });
    expect(view.body.bidding).not.toHaveProperty('floorPrice');
    expect(leaks(await everythingOutsideTheSecretariat(caseId, 'investigation'), reserved)).toEqual([]);
  });

  it('publishes all three with the result once the bidding has concluded', async () => {
    const decided = await h.call('POST', `/api/cases/${caseId}/bids/investigation`, { token: a.secretariat, body: { confirm: true, reason: '積算内訳を確認し履行可能と判断' } });
    expect(decided.body.outcome).toBe('awarded');
    const view = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.vendor });
    expect(view.body.bidding).toMatchObject({ ceilingPrice: CEILING, floorPrice: FLOOR, investigationPrice: THRESHOLD, concluded: true });
    const publicView = await h.call('GET', `/api/public/cases/${caseId}`);
    expect(publicView.body.case.bidding).toMatchObject({ ceilingPrice: CEILING, floorPrice: FLOOR, investigationPrice: THRESHOLD, concluded: true });
    const ocds = await h.call('GET', `/api/public/cases/${caseId}/ocds`);
    expect(ocds.body.releases.find((r: { tag: string[] }) => r.tag[0] === 'tender').tender.value).toEqual({ amount: CEILING, currency: 'JPY' });
    const text = await tabulation(caseId, a.member, 'member-concluded.pdf');
    for (const shown of ['7,345,678円', '5,987,654円', '6,543,210円']) expect(text).toContain(shown);
    expect(text).not.toContain('入札の途中経過');
    const page = await h.page(await h.cookieFor('vendor-ps@test.example'), `/cases/${caseId}/bid`);
    for (const shown of ['7,345,678円', '5,987,654円', '6,543,210円']) expect(page.text).toContain(shown);
    const publicPage = await h.call('GET', `/public/cases/${caseId}`);
    for (const shown of ['7,345,678円', '5,987,654円', '6,543,210円']) expect(publicPage.text).toContain(shown);
  });
});

describe('a ceiling announced in advance (事前公表)', () => {
  it('is public from the start; the floor and the threshold still wait for the conclusion', async () => {
    const caseId = await tender('ごみ収集運搬（予定価格事前公表）', { ceilingPublic: true });
    const before = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.vendor });
    expect(before.body.bidding).toMatchObject({ ceilingPrice: CEILING, concluded: false });
    expect(before.body.bidding).not.toHaveProperty('floorPrice');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    await bid(a.vendor, caseId, 7_400_000);
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat })).body.outcome).toBe('rebid');
    const seen = await everythingOutsideTheSecretariat(caseId, 'public-ceiling');
    expect(leaks(seen, limits)).toEqual([]);
    expect(seen.find(([where]) => where === `public /api/public/cases/${caseId}`)![1]).toContain(String(CEILING));
  });
});

describe('a cancelled tender', () => {
  it('has concluded: its prices are published', async () => {
    const caseId = await tender('中止された入札');
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'cancelled' } })).status).toBe(200);
    const view = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.member });
    expect(view.body.bidding).toMatchObject({ ceilingPrice: CEILING, floorPrice: FLOOR, investigationPrice: THRESHOLD, concluded: true });
  });
});

describe('総合評価 during an investigation hold', () => {
  it('shows bidders no evaluation value, which with the points formula would give the ceiling away', async () => {
    const caseId = await tender('総合評価（調査中）', { comprehensive: { mode: 'additive', pricePoints: 50, technicalScores: { [a.vendorId]: 50, [a.otherVendorId]: 40 } } }, 'comprehensive');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    await bid(a.vendor, caseId, 6_000_000);
    await bid(a.otherVendor, caseId, 7_000_000);
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat })).body.outcome).toBe('investigation');
    const vendor = await h.cookieFor('vendor-ps@test.example');
    const during = await h.page(vendor, `/cases/${caseId}/bid`);
    expect(during.text).toContain('低入札価格調査中');
    expect(during.text).not.toContain('評価値');
    const secretariat = await h.page(await h.cookieFor('sec-ps@test.example'), `/cases/${caseId}/bidding`);
    expect(secretariat.text).toContain('評価値');
    await h.call('POST', `/api/cases/${caseId}/bids/investigation`, { token: a.secretariat, body: { confirm: true, reason: '履行可能' } });
    expect((await h.page(vendor, `/cases/${caseId}/bid`)).text).toContain('評価値');
  });
});
