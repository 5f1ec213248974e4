import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, calendarTokens, cases } from '../../schema/index.ts';
import { transaction } from '../../src/db/client.ts';
import { followCase } from '../../src/services/follows.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

// Each person's deadlines as an iCalendar feed at a private address: what their role keeps, at the
// right instants, parsed with a maintained parser (ical.js) as a calendar client reads it.

let h: Harness;
let a: Tenant;
let b: Tenant;
const ids = {} as Record<'proposal' | 'tender' | 'draft' | 'quotation' | 'foreign' | 'survey' | 'pastSurvey' | 'evaluator' | 'vendorUser', string>;

const PUBLIC_URL = 'https://chotatsu.example.lg.jp';
const RFI = '2026-04-20T17:00:00.000+09:00';
const QUESTION = '2026-05-15T17:00:00.000+09:00';
const SUBMISSION = '2026-05-29T17:00:00.000+09:00';
const BID_DEADLINE = '2026-06-09T17:00:00.000+09:00';
const BID_OPENING = '2026-06-10T10:00:00.000+09:00';
const SURVEY_CLOSES = '2026-04-30T17:00:00.000+09:00';
const CEILING = 12_345_678;
const FLOOR = 9_876_543;
const BID = 11_111_111;

const ok = async (res: Promise<{ status: number; text: string; body: any }>, status = 200) => {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.status} ${r.text}`);
  return r.body;
};

beforeAll(async () => {
  h = await createHarness({ publicUrl: PUBLIC_URL, sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  [a, b] = [await createTenant(h, 'cal'), await createTenant(h, 'calb')];
  const sec = a.secretariat;
  const call = (token: string, method: string, path: string, body?: unknown) => h.call(method, path, { token, body });

  // a proposal case the first member takes part in, and the vendor follows
  ids.proposal = (await ok(call(sec, 'POST', '/api/cases', { title: '基幹業務システムの共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, rfiDeadline: RFI, submissionDeadline: SUBMISSION }), 201)).case.id;
  await h.database.db.update(cases).set({ questionDeadline: new Date(QUESTION) }).where(eq(cases.id, ids.proposal));
  await ok(call(a.member, 'PUT', `/api/cases/${ids.proposal}/participants/${a.memberIds[0]}`, { participating: true, options: {} }));
  // the evaluator sits on its committee (named before publication)
  ids.evaluator = (await ok(call(a.evaluator, 'GET', '/api/me'))).user.id;
  await ok(
    call(sec, 'PUT', `/api/cases/${ids.proposal}/evaluation`, {
      criteria: [{ code: 'func', name: '機能', maxPoints: 100, mode: 'points' }],
      aggregation: 'average',
      evaluatorIds: [ids.evaluator],
    }),
  );
  await putSpec(h, sec, ids.proposal);
  await ok(call(sec, 'POST', `/api/cases/${ids.proposal}/transition`, { to: 'open' }));
  await transaction(h.database.db, (tx) => followCase(tx, ids.proposal, a.vendorId, h.clock.now()));
  // a tender the other vendor has bid on (its prices and the bid never appear in any feed)
  ids.tender = (await ok(call(sec, 'POST', '/api/cases', { title: '庁舎清掃業務の委託', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 }), 201)).case.id;
  await ok(call(sec, 'PUT', `/api/cases/${ids.tender}/bidding`, { ceilingPrice: CEILING, ceilingPublic: false, floorPrice: FLOOR, deadlineAt: BID_DEADLINE, openingAt: BID_OPENING }));
  await putSpec(h, sec, ids.tender);
  await ok(call(sec, 'POST', `/api/cases/${ids.tender}/transition`, { to: 'open' }));
  await ok(call(a.otherVendor, 'POST', `/api/cases/${ids.tender}/bids`, { amount: BID, lotNumber: 1 }), 201);

  // a 見積合わせ the vendor follows, a draft, and another consortium's case the vendor of b follows
  ids.quotation = (await ok(call(sec, 'POST', '/api/cases', { title: '公用車の購入', method: 'quotation', contractMode: 'individual', fiscalYear: 2026 }), 201)).case.id;
  await ok(call(sec, 'PUT', `/api/cases/${ids.quotation}/bidding`, { ceilingPrice: 3_000_000, ceilingPublic: false, deadlineAt: BID_DEADLINE, openingAt: BID_OPENING }));
  await putSpec(h, sec, ids.quotation);
  await ok(call(sec, 'POST', `/api/cases/${ids.quotation}/transition`, { to: 'open' }));
  await transaction(h.database.db, (tx) => followCase(tx, ids.quotation, a.vendorId, h.clock.now()));
  ids.draft = (await ok(call(sec, 'POST', '/api/cases', { title: '準備中の調達', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: SUBMISSION }), 201)).case.id;
  ids.foreign = (await ok(call(b.secretariat, 'POST', '/api/cases', { title: '乙協議会の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: SUBMISSION }), 201)).case.id;
  await putSpec(h, b.secretariat, ids.foreign);
  await ok(call(b.secretariat, 'POST', `/api/cases/${ids.foreign}/transition`, { to: 'open' }));
  await transaction(h.database.db, (tx) => followCase(tx, ids.foreign, b.vendorId, h.clock.now()));

  // an open survey and one already closed
  ids.survey = (await ok(call(sec, 'POST', '/api/surveys', { title: '次期システムの参加意向調査', candidates: [{ code: 'erp', name: '基幹業務' }], closesAt: SURVEY_CLOSES }), 201)).survey.id;
  h.clock.set('2026-03-01T09:00:00.000+09:00');
  ids.pastSurvey = (await ok(call(sec, 'POST', '/api/surveys', { title: '締切済みの調査', candidates: [{ code: 'x', name: 'X' }], closesAt: '2026-03-10T17:00:00.000+09:00' }), 201)).survey.id;
  h.clock.set('2026-04-01T09:00:00.000+09:00');
}, 120_000);
afterAll(() => h.close());

const feedPath = (url: string) => {
  expect(url.startsWith(`${PUBLIC_URL}/api/calendar/`)).toBe(true);
  expect(url).toMatch(/\.ics$/);
  return url.slice(PUBLIC_URL.length);
};

async function subscribe(token: string): Promise<string> {
  const res = await h.call('POST', '/api/calendar/token', { token });
  expect(res.status, res.text).toBe(201);
  return feedPath(res.body.url);
}

interface Event {
  uid: string;
  summary: string;
  start: string;
  end: string | null;
  url: string;
  description: string;
  alarm: string | null;
}

/** The feed as a calendar client reads it. */
async function read(path: string): Promise<{ text: string; name: string; events: Event[] }> {
  const res = await h.call('GET', path);
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  const calendar = new ICAL.Component(ICAL.parse(res.text));
  const events = calendar.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v);
    const alarm = v.getFirstSubcomponent('valarm');
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: v.hasProperty('dtend') ? event.endDate.toJSDate().toISOString() : null,
      url: String(v.getFirstPropertyValue('url')),
      description: event.description,
      alarm: alarm ? String(alarm.getFirstPropertyValue('trigger')) : null,
    };
  });
  return { text: res.text, name: String(calendar.getFirstPropertyValue('x-wr-calname')), events };
}

const iso = (t: string) => new Date(t).toISOString();
const summaries = (events: Event[]) => events.map((e) => e.summary);

describe('a calendar feed', () => {
  it("carries a vendor's deadlines of the cases it follows, at their instants in UTC, with a link and a reminder the day before", async () => {
    const { events, name, text } = await read(await subscribe(a.vendor));
    expect(name).toBe('cal協議会 調達の期限');
    expect(text).toMatch(/^METHOD:PUBLISH\r$/m);
    expect(events.map((e) => [e.summary, e.start])).toEqual([
      ['RFI回答期限: 基幹業務システムの共同調達', '2026-04-20T08:00:00.000Z'],
      ['質問受付期限: 基幹業務システムの共同調達', '2026-05-15T08:00:00.000Z'],
      ['提出期限: 基幹業務システムの共同調達', '2026-05-29T08:00:00.000Z'],
      ['見積書の提出期限: 公用車の購入', '2026-06-09T08:00:00.000Z'],
      ['見積の開封: 公用車の購入', '2026-06-10T01:00:00.000Z'],
    ]);
    const submission = events.find((e) => e.summary.startsWith('提出期限'))!;
    expect(submission).toMatchObject({
      uid: `case-${ids.proposal}-submission@chotatsu.example.lg.jp`,
      // an instant: no end of its own
      end: null,
      url: `${PUBLIC_URL}/cases/${ids.proposal}`,
      alarm: '-P1D',
    });
    expect(submission.description).toContain('調達方式: 公募型プロポーザル');
    expect(events.every((e) => e.alarm === '-P1D')).toBe(true);
    // a case it has not taken part in, an unpublished one and another consortium's stay out
    expect(text).not.toContain('庁舎清掃業務の委託');
    expect(text).not.toContain('準備中の調達');
    expect(text).not.toContain('乙協議会');
  });

  it("gives a bidder the tender's deadline and opening, never its prices or the bid", async () => {
    const { events, text } = await read(await subscribe(a.otherVendor));
    expect(events.map((e) => [e.summary, e.start, e.uid])).toEqual([
      ['入札締切: 庁舎清掃業務の委託', iso(BID_DEADLINE), `case-${ids.tender}-round-1-deadline@chotatsu.example.lg.jp`],
      ['開札: 庁舎清掃業務の委託', iso(BID_OPENING), `case-${ids.tender}-round-1-opening@chotatsu.example.lg.jp`],
    ]);
    for (const yen of [CEILING, FLOOR, BID]) {
      expect(text).not.toContain(String(yen));
      expect(text).not.toContain(yen.toLocaleString('ja-JP'));
    }
  });

  it("gives a member the published cases its body takes part in and the open surveys", async () => {
    const { events } = await read(await subscribe(a.member));
    expect(summaries(events)).toEqual([
      'RFI回答期限: 基幹業務システムの共同調達',
      '意向調査の締切: 次期システムの参加意向調査',
      '質問受付期限: 基幹業務システムの共同調達',
      '提出期限: 基幹業務システムの共同調達',
    ]);
    expect(events[1]).toMatchObject({ start: iso(SURVEY_CLOSES), url: `${PUBLIC_URL}/surveys/${ids.survey}`, uid: `survey-${ids.survey}-closes@chotatsu.example.lg.jp` });
  });

  it('gives the secretariat every case of its consortium, a draft too, and an evaluator the cases of its committee', async () => {
    const secretariat = await read(await subscribe(a.secretariat));
    for (const title of ['基幹業務システムの共同調達', '庁舎清掃業務の委託', '公用車の購入', '準備中の調達', '次期システムの参加意向調査']) {
      expect(secretariat.text, title).toContain(title);
    }
    expect(secretariat.text).not.toContain('乙協議会');
    expect(secretariat.text).not.toContain('締切済みの調査');
    expect(secretariat.text).not.toContain(String(CEILING));

    const evaluator = await read(await subscribe(a.evaluator));
    expect(summaries(evaluator.events)).toEqual(['RFI回答期限: 基幹業務システムの共同調達', '質問受付期限: 基幹業務システムの共同調達', '提出期限: 基幹業務システムの共同調達']);

    // the other consortium's vendor sees its own case only
    const foreign = await read(await subscribe(b.vendor));
    expect(summaries(foreign.events)).toEqual(['提出期限: 乙協議会の案件']);
  });

  it('follows a deadline when it moves: the same UID at the new time', async () => {
    const path = await subscribe(a.vendor);
    const before = (await read(path)).events.find((e) => e.summary.startsWith('提出期限'))!;
    const later = '2026-06-05T17:00:00.000+09:00';
    await h.database.db.update(cases).set({ submissionDeadline: new Date(later) }).where(eq(cases.id, ids.proposal));
    const after = (await read(path)).events.find((e) => e.summary.startsWith('提出期限'))!;
    expect(after.uid).toBe(before.uid);
    expect(after.start).toBe(iso(later));
    await h.database.db.update(cases).set({ submissionDeadline: new Date(SUBMISSION) }).where(eq(cases.id, ids.proposal));
  });
});

describe('the private address', () => {
  it('is new each time; the old address stops working, and only the SHA-256 of the token is kept', async () => {
    const first = await subscribe(a.vendor);
    const second = await subscribe(a.vendor);
    expect(second).not.toBe(first);
    expect((await h.call('GET', first)).status).toBe(404);
    expect((await h.call('GET', second)).status).toBe(200);
    const token = second.slice('/api/calendar/'.length, -'.ics'.length);
    const stored = await h.database.db.select().from(calendarTokens);
    expect(stored.some((r) => r.tokenHash.includes(token))).toBe(false);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('is revoked by its owner (audited), after which it is not found', async () => {
    const path = await subscribe(a.member);
    const revoked = await h.call('DELETE', '/api/calendar/token', { token: a.member });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ revoked: true });
    const gone = await h.call('GET', path);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
    // revoking again changes nothing
    expect((await h.call('DELETE', '/api/calendar/token', { token: a.member })).body).toEqual({ revoked: false });
    const entries = (await h.database.db.select().from(auditLog)).filter((e) => e.action === 'calendar.token');
    expect(entries.map((e) => (e.details as { change: string }).change)).toContain('revoked');
    expect(JSON.stringify(entries)).not.toContain(path.slice('/api/calendar/'.length, -4));
  });

  it('answers 404 to an unknown or malformed token, without a login', async () => {
    for (const path of ['/api/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics', '/api/calendar/x.ics', `/api/calendar/${'a'.repeat(500)}.ics`, '/api/calendar/..%2Fx.ics', '/api/calendar/a.b.ics']) {
      const res = await h.call('GET', path);
      expect(res.status, path).toBe(404);
    }
  });

  it('stops working when its owner is disabled', async () => {
    const path = await subscribe(a.otherVendor);
    const me = (await h.call('GET', '/api/me', { token: a.otherVendor })).body.user.id;
    expect((await h.call('PATCH', `/api/users/${me}`, { token: a.secretariat, body: { disabled: true } })).status).toBe(200);
    expect((await h.call('GET', path)).status).toBe(404);
  });

  it('needs a login to be issued or revoked', async () => {
    expect((await h.call('POST', '/api/calendar/token')).status).toBe(401);
    expect((await h.call('DELETE', '/api/calendar/token')).status).toBe(401);
  });
});
