import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

// README: before the opening no response, page, PDF, CSV, log or audit entry shows a sealed amount.
// This file captures everything the process prints (console and the raw stdout/stderr writes, the PDF
// thread's output included) during a whole tender — bids online, through the page and on paper,
// listings, pages, PDFs, open data, a first opening that calls a re-bid, the re-bid and the final
// opening — and scans it for each round's amounts up to that round's opening.

const OPENING_1 = '2026-06-10T10:00:00.000+09:00';
const OPENING_2 = '2026-06-12T10:00:00.000+09:00';
// distinctive figures, all above the 10,000,000 ceiling in round 1 and within it in round 2
const ROUND_1 = { page: 10_412_387, api: 10_398_751, paper: 10_273_519 };
const ROUND_2 = { page: 9_617_243, api: 9_584_129 };

const printed: string[] = [];
const render = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' ');

function captureOutput() {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(render(args)));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    vi.spyOn(stream, 'write').mockImplementation(function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write);
  }
}

/** Each amount as digits and with thousands separators (as pages, PDFs and CSV write it). */
const forms = (amounts: number[]) => amounts.flatMap((n) => [String(n), n.toLocaleString('ja-JP'), n.toLocaleString('en-US')]);
const leaksIn = (text: string, amounts: number[]) => [...new Set(forms(amounts).filter((f) => text.includes(f)))];

let h: Harness;
let a: Tenant;
let paperVendorId: string;
let caseId: string;

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'log');
  const paper = await h.call('POST', '/api/vendors', { token: a.secretariat, body: { name: 'log紙入札事業者' } });
  expect(paper.status, paper.text).toBe(201);
  paperVendorId = paper.body.vendor.id;
  captureOutput();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

/** Every way the tender is looked at: API for every role, pages, PDFs, open data, the audit trail. */
async function lookEverywhere(cookies: { secretariat: string; vendor: string; member: string }) {
  const tokens = [a.secretariat, a.vendor, a.otherVendor, a.member, a.evaluator];
  for (const token of tokens) {
    for (const path of [`/api/cases/${caseId}`, `/api/cases/${caseId}/bids`, `/api/cases/${caseId}/bids/mine`, `/api/cases/${caseId}/bidding`]) {
      await h.call('GET', path, { token });
    }
  }
  for (const path of ['/api/audit?limit=1000', `/api/audit?caseId=${caseId}`, `/api/cases/${caseId}/ocds`, `/api/cases/${caseId}/documents/spec.pdf`, `/api/cases/${caseId}/documents/bid-tabulation.pdf`, `/api/audit/verify`]) {
    await h.call('GET', path, { token: a.secretariat });
  }
  await h.call('GET', `/api/cases/${caseId}/documents/bid-tabulation.pdf`, { token: a.member });
  await h.page(cookies.secretariat, `/cases/${caseId}/bidding`);
  await h.page(cookies.secretariat, `/cases/${caseId}`);
  await h.page(cookies.vendor, `/cases/${caseId}/bid`);
  await h.page(cookies.member, `/cases/${caseId}`);
  for (const path of ['/public', `/public/cases/${caseId}`, '/public/feed.xml', `/api/public/cases/${caseId}`, `/api/public/cases/${caseId}/ocds`, '/api/public/export/2026/ocds.json', '/api/public/export/2026/cases.csv']) {
    await h.call('GET', path);
  }
}

/** A bid through the vendor's pages: the form, its confirmation step, the submission. */
async function bidThroughPage(cookie: string, amount: number, lotNumber: string) {
  const confirm = await h.form(cookie, `/cases/${caseId}/bid`, { amount: String(amount), lotNumber });
  expect(confirm.status, confirm.text.slice(0, 300)).toBe(200);
  const sent = await h.form(cookie, `/cases/${caseId}/bid/confirm`, { amount: String(amount), lotNumber });
  expect(sent.status, sent.text.slice(0, 300)).toBe(303);
}

describe('the process output during a tender', () => {
  it('holds no sealed amount before its opening, through a re-bid and the final opening', async () => {
    console.log('capture-check');
    process.stderr.write('capture-check-stderr\n');
    expect(printed.join('\n')).toContain('capture-check');
    expect(printed.join('\n')).toContain('capture-check-stderr');

    const cookies = {
      secretariat: await h.cookieFor('sec-log@test.example'),
      vendor: await h.cookieFor('vendor-log@test.example'),
      member: await h.cookieFor('member-log@test.example'),
    };
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: 'ログ確認の入札', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    caseId = created.body.case.id;
    const set = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: a.secretariat,
      body: { ceilingPrice: 10_000_000, ceilingPublic: false, floorPrice: 8_000_000, investigationPrice: 8_500_000, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: OPENING_1, maxRounds: 2 },
    });
    expect(set.status, set.text).toBe(200);
    await putSpec(h, a.secretariat, caseId);
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);

    // round 1: on the page, through the API, on paper; a refused and a repeated bid on the way
    h.clock.set('2026-06-05T10:15:30.123+09:00');
    await bidThroughPage(cookies.vendor, ROUND_1.page, '123');
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.otherVendor, body: { amount: -ROUND_1.api, lotNumber: 5 } })).status).toBe(400);
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.otherVendor, body: { amount: ROUND_1.api, lotNumber: 5 } })).status).toBe(201);
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.otherVendor, body: { amount: ROUND_1.api, lotNumber: 5 } })).status).toBe(409);
    const paper = await h.call('POST', `/api/cases/${caseId}/bids/paper`, {
      token: a.secretariat,
      body: { vendorId: paperVendorId, amount: ROUND_1.paper, receivedAt: '2026-06-05T09:00:00.000+09:00' },
    });
    expect(paper.status, paper.text).toBe(201);
    await lookEverywhere(cookies);
    const beforeFirstOpening = printed.join('\n');
    expect(leaksIn(beforeFirstOpening, Object.values(ROUND_1))).toEqual([]);

    // the first opening: every bid above the ceiling, a re-bid
    h.clock.set(OPENING_1);
    const first = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(first.body.outcome, first.text).toBe('rebid');
    const round2 = await h.call('POST', `/api/cases/${caseId}/bids/rounds`, {
      token: a.secretariat,
      body: { deadlineAt: '2026-06-11T17:00:00.000+09:00', openingAt: OPENING_2 },
    });
    expect(round2.status, round2.text).toBe(201);
    h.clock.set('2026-06-11T09:00:00.000+09:00');
    await bidThroughPage(cookies.vendor, ROUND_2.page, '456');
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.otherVendor, body: { amount: ROUND_2.api, lotNumber: 7 } })).status).toBe(201);
    await lookEverywhere(cookies);
    const beforeFinalOpening = printed.join('\n');
    expect(leaksIn(beforeFinalOpening, Object.values(ROUND_2))).toEqual([]);

    // the final opening decides the tender; what is printed about it may name its amounts now
    h.clock.set(OPENING_2);
    const second = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(second.status, second.text).toBe(200);
    expect(second.body.winner).toMatchObject({ vendorId: a.otherVendorId, amount: ROUND_2.api });
    await lookEverywhere(cookies);
  });
});
