import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, scheduleChanges } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant, openProposalCase, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';

// Once the first bid or proposal has arrived, the conditions it was made under stand: prices and the
// lot setting no longer change, and deadlines and openings only move later, each move with a reason
// that is recorded, audited and shown to every vendor of the case.

let h: Harness;
let a: Tenant;
let secretariatId: string;

const DEADLINE = '2026-06-09T17:00:00.000+09:00';
const OPENING = '2026-06-10T10:00:00.000+09:00';
const setup = { ceilingPrice: 10_000_000, ceilingPublic: false, floorPrice: 8_000_000, investigationPrice: 8_500_000, deadlineAt: DEADLINE, openingAt: OPENING, maxRounds: 2 };

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'sl');
  secretariatId = (await h.call('GET', '/api/me', { token: a.secretariat })).body.user.id;
});
afterAll(() => h.close());

async function tender(title: string, over: Record<string, unknown> = {}, method = 'competitive_bid') {
  h.clock.set('2026-06-01T09:00:00.000+09:00');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title, method, contractMode: 'individual', fiscalYear: 2026 } });
  const id = created.body.case.id as string;
  const set = await h.call('PUT', `/api/cases/${id}/bidding`, { token: a.secretariat, body: { ...setup, ...over } });
  expect(set.status, set.text).toBe(200);
  await putSpec(h, a.secretariat, id);
  await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } });
  return id;
}

const put = (caseId: string, body: Record<string, unknown>) => h.call('PUT', `/api/cases/${caseId}/bidding`, { token: a.secretariat, body: { ...setup, ...body } });
const changesOf = async (caseId: string) => h.database.db.select().from(scheduleChanges).where(eq(scheduleChanges.caseId, caseId));
const auditOf = async (caseId: string, action: string) => (await h.database.db.select().from(auditLog).where(eq(auditLog.caseId, caseId))).filter((e) => e.action === action);

describe('a tender after its first bid', () => {
  let caseId: string;

  it('may still change anything, and move its times earlier, before a bid has arrived', async () => {
    caseId = await tender('庁舎警備業務');
    h.clock.set('2026-06-02T09:00:00.000+09:00');
    // published: each change is an addendum with its reason, but no schedule change while nothing has arrived
    const earlier = await put(caseId, { ceilingPrice: 10_500_000, deadlineAt: '2026-06-08T17:00:00.000+09:00', openingAt: '2026-06-09T10:00:00.000+09:00', reason: '予算の確定' });
    expect(earlier.status, earlier.text).toBe(200);
    expect(await changesOf(caseId)).toEqual([]);
    expect((await put(caseId, { reason: '当初の日程に戻します' })).status).toBe(200);
  });

  it('keeps its prices, rounds, lot setting and tax rate once a bid has arrived; the same values again are fine', async () => {
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.vendor, body: { amount: 9_000_000, lotNumber: 1 } })).status).toBe(201);
    expect((await put(caseId, {})).status).toBe(200);
    expect((await put(caseId, { taxRate: 0.1, lotSystemValue: 'receipt_ms' })).status).toBe(200);
    for (const change of [
      { ceilingPrice: 9_000_000 },
      { ceilingPublic: true },
      { floorPrice: 7_000_000 },
      { floorPrice: null },
      { investigationPrice: 9_500_000 },
      { maxRounds: 3 },
      { lotSystemValue: 'random' },
      { taxRate: 0.08 },
    ]) {
      const res = await put(caseId, change);
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(res.body.error.code).toBe('schedule_locked');
      // the refusal names what may not change, never the prices
      expect(res.text).not.toMatch(/10,?000,?000|8,?000,?000|8,?500,?000/);
    }
    const seen = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.secretariat });
    expect(seen.body.bidding).toMatchObject({ ceilingPrice: 10_000_000, ceilingPublic: false, floorPrice: 8_000_000, investigationPrice: 8_500_000, maxRounds: 2, lotSystemValue: 'receipt_ms', taxRate: 0.1 });
  });

  it('never moves the deadline or the opening earlier: not to now, to open at once', async () => {
    const toNow = await put(caseId, { deadlineAt: '2026-06-05T10:00:00.000+09:00', openingAt: '2026-06-05T10:00:00.000+09:00', reason: '早期開札' });
    expect(toNow.status).toBe(409);
    expect(toNow.body.error.code).toBe('schedule_locked');
    const openingEarlier = await put(caseId, { openingAt: '2026-06-09T17:00:00.000+09:00', reason: '早める' });
    expect(openingEarlier.status).toBe(409);
    const oneMsEarlier = await put(caseId, { deadlineAt: '2026-06-09T16:59:59.999+09:00', reason: '早める' });
    expect(oneMsEarlier.body.error.code).toBe('schedule_locked');
    const open = await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat });
    expect(open.body.error.code).toBe('not_yet');
    expect(await changesOf(caseId)).toEqual([]);
  });

  it('moves them later only with a reason, recorded with from and to, audited and shown to every vendor', async () => {
    const later = { deadlineAt: '2026-06-12T17:00:00.000+09:00', openingAt: '2026-06-15T10:00:00.000+09:00' };
    const noReason = await put(caseId, later);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('validation_error');
    expect(noReason.body.error.details).toEqual([expect.objectContaining({ path: 'reason' })]);
    const blank = await put(caseId, { ...later, reason: '  ' });
    expect(blank.status).toBe(400);
    const moved = await put(caseId, { ...later, reason: '仕様書の訂正に伴い延長します' });
    expect(moved.status, moved.text).toBe(200);

    const [row] = await changesOf(caseId);
    expect(row).toMatchObject({
      reason: '仕様書の訂正に伴い延長します',
      changedBy: secretariatId,
      changes: [
        { field: 'bidDeadline', round: 1, from: '2026-06-09T08:00:00.000Z', to: '2026-06-12T08:00:00.000Z' },
        { field: 'bidOpening', round: 1, from: '2026-06-10T01:00:00.000Z', to: '2026-06-15T01:00:00.000Z' },
      ],
    });
    const audited = await auditOf(caseId, 'schedule.change');
    expect(audited.map((e) => e.details)).toEqual([
      { field: 'bidDeadline', round: 1, from: '2026-06-09T08:00:00.000Z', to: '2026-06-12T08:00:00.000Z', reason: '仕様書の訂正に伴い延長します' },
      { field: 'bidOpening', round: 1, from: '2026-06-10T01:00:00.000Z', to: '2026-06-15T01:00:00.000Z', reason: '仕様書の訂正に伴い延長します' },
    ]);
    expect(audited[0]!.actorUserId).toBe(secretariatId);

    for (const token of [a.vendor, a.otherVendor, a.member, a.evaluator, a.secretariat]) {
      const list = await h.call('GET', `/api/cases/${caseId}/schedule-changes`, { token });
      expect(list.status).toBe(200);
      expect(list.body.changes).toEqual([
        {
          at: '2026-06-05T01:00:00.000Z',
          reason: '仕様書の訂正に伴い延長します',
          changes: [
            { field: 'bidDeadline', round: 1, from: '2026-06-09T08:00:00.000Z', to: '2026-06-12T08:00:00.000Z', label: '入札締切' },
            { field: 'bidOpening', round: 1, from: '2026-06-10T01:00:00.000Z', to: '2026-06-15T01:00:00.000Z', label: '開札日時' },
          ],
        },
      ]);
      // who moved it is the secretariat's record (the audit), not the vendors'
      expect(list.text).not.toContain(secretariatId);
    }
    // the vendor who has not bid yet sees it on the bid page, and on the case page as the addendum it is
    const cookie = await h.cookieFor('vendor2-sl@test.example');
    const bidPage = await h.page(cookie, `/cases/${caseId}/bid`);
    expect(bidPage.text).toContain('日程の変更');
    expect(bidPage.text).toContain('仕様書の訂正に伴い延長します');
    expect(bidPage.text).toMatch(/2026\/06\/09 17:00[\s\S]*2026\/06\/12 17:00/);
    const casePage = await h.page(cookie, `/cases/${caseId}`);
    expect(casePage.text).toContain('変更・追加');
    expect(casePage.text).toContain('仕様書の訂正に伴い延長します');
    expect(casePage.text).toMatch(/令和8年6月9日\(火\) 17:00[\s\S]*令和8年6月12日\(金\) 17:00/);
    // the extended deadline takes bids
    h.clock.set('2026-06-11T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.otherVendor, body: { amount: 9_100_000, lotNumber: 2 } })).status).toBe(201);
  });

  it('does not reopen a bid deadline that has passed', async () => {
    h.clock.set('2026-06-13T09:00:00.000+09:00');
    const reopened = await put(caseId, { deadlineAt: '2026-06-14T17:00:00.000+09:00', openingAt: '2026-06-15T10:00:00.000+09:00', reason: '再受付' });
    expect(reopened.status).toBe(409);
    expect(reopened.body.error.code).toBe('schedule_locked');
  });
});

describe('what counts as the first bid', () => {
  it('is any bid of the case: a decline, or a paper bid', async () => {
    const declined = await tender('辞退のみ');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${declined}/bids/decline`, { token: a.vendor })).status).toBe(201);
    expect((await put(declined, { ceilingPrice: 11_000_000 })).body.error.code).toBe('schedule_locked');
    const paper = await tender('紙入札のみ');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    expect((await h.call('POST', `/api/cases/${paper}/bids/paper`, { token: a.secretariat, body: { vendorId: a.otherVendorId, amount: 9_000_000, receivedAt: '2026-06-04T15:00:00.000+09:00' } })).status).toBe(201);
    expect((await put(paper, { floorPrice: 1 })).body.error.code).toBe('schedule_locked');
  });

  it('fixes a 総合評価 tender\'s method and price points, while the technical scores are still entered before the opening', async () => {
    const comprehensive = { mode: 'additive', pricePoints: 40, technicalScores: { [a.vendorId]: 50 } };
    const caseId = await tender('総合評価', { comprehensive }, 'comprehensive');
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.vendor, body: { amount: 9_000_000, lotNumber: 1 } });
    expect((await put(caseId, { comprehensive: { ...comprehensive, pricePoints: 50 } })).body.error.code).toBe('schedule_locked');
    expect((await put(caseId, { comprehensive: { ...comprehensive, mode: 'division' } })).body.error.code).toBe('schedule_locked');
    const scored = await put(caseId, { comprehensive: { ...comprehensive, technicalScores: { [a.vendorId]: 50, [a.otherVendorId]: 55 } } });
    expect(scored.status, scored.text).toBe(200);
  });
});

describe('the tender form after the first bid', () => {
  it('keeps unchanged times as stored, asks for a reason to extend, and shows a refusal in Japanese', async () => {
    // a deadline set through the API to the second: the form shows it to the minute
    const caseId = await tender('フォームからの延長', { deadlineAt: '2026-06-09T17:00:30.500+09:00' });
    h.clock.set('2026-06-05T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${caseId}/bids`, { token: a.vendor, body: { amount: 9_000_000, lotNumber: 1 } });
    const sec = await h.cookieFor('sec-sl@test.example');
    const page = await h.page(sec, `/cases/${caseId}/bidding`);
    expect(page.text).toContain('変更理由');
    expect(page.text).toContain('入札を受け付けたため');
    const fields = (over: Record<string, string>) =>
      Object.entries({ ceilingPrice: '10,000,000', floorPrice: '8,000,000', investigationPrice: '8,500,000', taxRate: '0.1', deadlineAt: '2026-06-09T17:00', openingAt: '2026-06-10T10:00', maxRounds: '2', lotSystemValue: 'receipt_ms', reason: '', ...over });
    expect((await h.form(sec, `/cases/${caseId}/bidding`, fields({}))).status).toBe(303);
    expect(await changesOf(caseId)).toEqual([]);

    const price = await h.form(sec, `/cases/${caseId}/bidding`, fields({ ceilingPrice: '9,000,000' }));
    expect(price.status).toBe(409);
    expect(price.text).toContain('入札を受け付けた後は、予定価格を変更できません');
    const noReason = await h.form(sec, `/cases/${caseId}/bidding`, fields({ deadlineAt: '2026-06-12T17:00', openingAt: '2026-06-15T10:00' }));
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('変更理由（reason）を入力してください');
    const earlier = await h.form(sec, `/cases/${caseId}/bidding`, fields({ deadlineAt: '2026-06-08T17:00', reason: '早めたい' }));
    expect(earlier.status).toBe(409);
    expect(earlier.text).toContain('入札締切を早めること');
    const extended = await h.form(sec, `/cases/${caseId}/bidding`, fields({ deadlineAt: '2026-06-12T17:00', openingAt: '2026-06-15T10:00', reason: '質問回答の公表が遅れたため' }));
    expect(extended.status).toBe(303);
    const [row] = await changesOf(caseId);
    expect(row!.reason).toBe('質問回答の公表が遅れたため');
    expect(row!.changes[0]).toEqual({ field: 'bidDeadline', round: 1, from: '2026-06-09T08:00:30.500Z', to: '2026-06-12T08:00:00.000Z' });
  });
});

describe('the proposal deadline once a proposal exists', () => {
  async function proposalCase(title: string) {
    h.clock.set('2026-04-01T09:00:00.000+09:00');
    return openProposalCase(h, a, title, '2026-04-10T17:00:00.000+09:00');
  }
  const patch = (caseId: string, body: Record<string, unknown>) => h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body });

  it('moves freely before any proposal, never earlier after one, and later only with a reason not stored on the case', async () => {
    const caseId = await proposalCase('文書管理システム');
    expect((await patch(caseId, { submissionDeadline: '2026-04-09T17:00:00.000+09:00', reason: '日程の調整' })).status).toBe(200);
    expect((await patch(caseId, { submissionDeadline: '2026-04-10T17:00:00.000+09:00', reason: '当初の日程に戻します' })).status).toBe(200);
    h.clock.set('2026-04-05T10:00:00.000+09:00');
    expect((await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.vendor, body: { price: 7_000_000 } })).status).toBe(200);

    // into the past, to read the proposals and move it back: refused at the first step
    const past = await patch(caseId, { submissionDeadline: '2026-04-05T09:00:00.000+09:00', reason: '確認のため' });
    expect(past.status).toBe(409);
    expect(past.body.error.code).toBe('schedule_locked');
    expect((await patch(caseId, { submissionDeadline: null, reason: '取消し' })).body.error.code).toBe('schedule_locked');
    expect((await h.call('GET', `/api/cases/${caseId}/proposals`, { token: a.secretariat })).status).not.toBe(200);
    // a title change is no schedule move: only the reason every change after publication has
    expect((await patch(caseId, { title: '文書管理システム（共同調達）', reason: '件名の訂正' })).status).toBe(200);
    const same = await patch(caseId, { submissionDeadline: '2026-04-10T17:00:00.000+09:00' });
    expect(same.status).toBe(200);

    const noReason = await patch(caseId, { submissionDeadline: '2026-04-17T17:00:00.000+09:00' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('validation_error');
    const later = await patch(caseId, { submissionDeadline: '2026-04-17T17:00:00.000+09:00', reason: '参加団体の追加に伴い延長' });
    expect(later.status, later.text).toBe(200);
    expect(later.body.case.submissionDeadline).toBe('2026-04-17T08:00:00.000Z');
    expect(later.body.case).not.toHaveProperty('reason');
    expect(JSON.stringify((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body)).not.toContain('参加団体の追加に伴い延長');
    const audited = await auditOf(caseId, 'schedule.change');
    expect(audited.map((e) => e.details)).toEqual([{ field: 'submissionDeadline', from: '2026-04-10T08:00:00.000Z', to: '2026-04-17T08:00:00.000Z', reason: '参加団体の追加に伴い延長' }]);
    const list = await h.call('GET', `/api/cases/${caseId}/schedule-changes`, { token: a.otherVendor });
    expect(list.body.changes).toEqual([
      { at: '2026-04-05T01:00:00.000Z', reason: '参加団体の追加に伴い延長', changes: [{ field: 'submissionDeadline', from: '2026-04-10T08:00:00.000Z', to: '2026-04-17T08:00:00.000Z', label: '提案書の提出期限' }] },
    ]);
    const submitPage = await h.page(await h.cookieFor('vendor2-sl@test.example'), `/cases/${caseId}/submit`);
    expect(submitPage.text).toContain('日程の変更');
    expect(submitPage.text).toContain('参加団体の追加に伴い延長');

    // once the deadline has passed and the proposals may be read, it does not move again
    h.clock.set('2026-04-17T17:00:00.001+09:00');
    expect((await h.call('GET', `/api/cases/${caseId}/proposals`, { token: a.secretariat })).status).toBe(200);
    const reopened = await patch(caseId, { submissionDeadline: '2026-04-24T17:00:00.000+09:00', reason: '再受付' });
    expect(reopened.status).toBe(409);
    expect(reopened.body.error.code).toBe('schedule_locked');
  });

  it('counts a proposal file alone as a proposal', async () => {
    const caseId = await proposalCase('子育て支援アプリ');
    h.clock.set('2026-04-05T10:00:00.000+09:00');
    const { body, contentType } = multipartBody('提案書.pdf', pdfBytes(2000));
    const upload = await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.vendor, body, headers: { 'content-type': contentType } });
    expect(upload.status, upload.text).toBe(201);
    expect((await patch(caseId, { submissionDeadline: '2026-04-06T17:00:00.000+09:00' })).body.error.code).toBe('schedule_locked');
  });

  it('through the case form: unchanged times stay as stored, an extension needs the 変更理由, a refusal is shown in Japanese', async () => {
    const caseId = await proposalCase('AI議事録');
    // a deadline to the second, shown to the minute in the form
    await patch(caseId, { submissionDeadline: '2026-04-10T17:00:45.000+09:00', reason: '日程の調整' });
    h.clock.set('2026-04-05T10:00:00.000+09:00');
    await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.vendor, body: { price: 5_000_000 } });
    const sec = await h.cookieFor('sec-sl@test.example');
    const page = await h.page(sec, `/cases/${caseId}`);
    expect(page.text).toContain('変更理由');
    const fields = (over: Record<string, string>) => ({ title: 'AI議事録', description: '', rfiDeadline: '', submissionDeadline: '2026-04-10T17:00', reason: '', ...over });
    expect((await h.form(sec, `/cases/${caseId}/edit`, fields({ title: 'AI議事録作成', reason: '件名の訂正' }))).status).toBe(303);
    const noReason = await h.form(sec, `/cases/${caseId}/edit`, fields({ submissionDeadline: '2026-04-14T17:00' }));
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('変更理由（reason）を入力してください');
    const earlier = await h.form(sec, `/cases/${caseId}/edit`, fields({ submissionDeadline: '2026-04-08T17:00', reason: '早める' }));
    expect(earlier.status).toBe(409);
    expect(earlier.text).toContain('提案書の提出期限を早めること');
    expect((await h.form(sec, `/cases/${caseId}/edit`, fields({ submissionDeadline: '2026-04-14T17:00', reason: '説明会の追加' }))).status).toBe(303);
    const vendorPage = await h.page(await h.cookieFor('vendor-sl@test.example'), `/cases/${caseId}`);
    expect(vendorPage.text).toContain('説明会の追加');
  });
});

describe('paper bids', () => {
  it('are never dated after the deadline of their round, round 2 included, and name who recorded them', async () => {
    const caseId = await tender('紙入札の締切');
    h.clock.set('2026-06-09T18:00:00.000+09:00');
    const late = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: a.vendorId, amount: 10_500_000, receivedAt: '2026-06-09T17:00:00.001+09:00' } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');
    const onTime = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: a.vendorId, amount: 10_500_000, receivedAt: '2026-06-09T17:00:00.000+09:00' } });
    expect(onTime.status, onTime.text).toBe(201);
    const [entry] = await auditOf(caseId, 'bid.paper');
    expect(entry!.details).toMatchObject({ round: 1, vendorId: a.vendorId, recordedBy: secretariatId });
    expect(entry!.actorUserId).toBe(secretariatId);

    h.clock.set(OPENING);
    expect((await h.call('POST', `/api/cases/${caseId}/bids/open`, { token: a.secretariat })).body.outcome).toBe('rebid');
    await h.call('POST', `/api/cases/${caseId}/bids/rounds`, { token: a.secretariat, body: { deadlineAt: '2026-06-11T17:00:00.000+09:00', openingAt: '2026-06-12T10:00:00.000+09:00' } });
    h.clock.set('2026-06-12T09:00:00.000+09:00');
    const late2 = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: a.vendorId, amount: 9_500_000, receivedAt: '2026-06-11T17:00:00.001+09:00' } });
    expect(late2.status).toBe(409);
    expect(late2.body.error.code).toBe('deadline_passed');
    // nor before the re-bid was called (round 1's opening)
    const early2 = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: a.vendorId, amount: 9_500_000, receivedAt: '2026-06-09T16:00:00.000+09:00' } });
    expect(early2.status).toBe(400);
    const round2 = await h.call('POST', `/api/cases/${caseId}/bids/paper`, { token: a.secretariat, body: { vendorId: a.vendorId, amount: 9_500_000, receivedAt: '2026-06-11T16:00:00.000+09:00' } });
    expect(round2.status, round2.text).toBe(201);
    expect(round2.body.receipt.round).toBe(2);
    const entries = await auditOf(caseId, 'bid.paper');
    expect(entries.map((e) => e.details.recordedBy)).toEqual([secretariatId, secretariatId]);
  });
});
