import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addenda, auditLog, cases, notifications, users } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant, openProposalCase, putSpec } from '../helpers/harness.ts';

// 変更・追加: once a case is published, every change to its schedule, spec, options or rules is announced
// as a numbered addendum with its reason and the before and after, to vendors and on the public page.

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  h = await createHarness();
  h.clock.set('2026-06-01T09:00:00.000+09:00');
  a = await createTenant(h, 'ad');
});
afterAll(() => h.close());

const REASON_REQUIRED = '公表後の変更には変更理由を入力してください';
const addendaOf = (caseId: string, token = a.vendor) => h.call('GET', `/api/cases/${caseId}/addenda`, { token });
const rowsOf = (caseId: string) => h.database.db.select().from(addenda).where(eq(addenda.caseId, caseId));
const caseRow = async (caseId: string) => (await h.database.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;

describe('a deadline moved on a published case', () => {
  let caseId: string;

  beforeAll(async () => {
    caseId = await openProposalCase(h, a, '住民記録システム共同調達');
    expect((await h.call('PUT', `/api/cases/${caseId}/follow`, { token: a.vendor })).status).toBe(200);
  });

  it('is refused without a reason, changing nothing', async () => {
    const res = await h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body: { submissionDeadline: '2026-07-10T17:00:00.000+09:00' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'reason', message: REASON_REQUIRED }));
    expect((await caseRow(caseId)).submissionDeadline?.toISOString()).toBe('2026-06-30T08:00:00.000Z');
    expect(await rowsOf(caseId)).toEqual([]);
  });

  it('creates 変更第1号 with the reason and the before and after, which a vendor reads and is told of', async () => {
    const res = await h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body: { submissionDeadline: '2026-07-10T17:00:00.000+09:00', reason: '仕様書の追補に伴い提出期限を延長します。' } });
    expect(res.status, res.text).toBe(200);
    const seen = await addendaOf(caseId);
    expect(seen.status).toBe(200);
    expect(seen.body.addenda).toEqual([
      {
        no: 1,
        at: '2026-06-01T00:00:00.000Z',
        reason: '仕様書の追補に伴い提出期限を延長します。',
        changes: [{ field: 'submissionDeadline', label: '提案書の提出期限', before: '令和8年6月30日(火) 17:00', after: '令和8年7月10日(金) 17:00' }],
      },
    ]);
    const audited = await h.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, caseId), eq(auditLog.action, 'case.addendum')));
    expect(audited).toHaveLength(1);
    // the vendor follows the case: the addendum reaches it as a notification
    const [vendorUser] = await h.database.db.select({ id: users.id }).from(users).where(eq(users.email, 'vendor-ad@test.example'));
    const told = await h.database.db.select().from(notifications).where(and(eq(notifications.userId, vendorUser!.id), eq(notifications.kind, 'addendum')));
    expect(told).toHaveLength(1);
  });

  it('shows the addendum on the public API and the public page', async () => {
    const api = await h.call('GET', `/api/public/cases/${caseId}`);
    expect(api.status).toBe(200);
    expect(api.body.case.addenda).toEqual([expect.objectContaining({ no: 1, reason: '仕様書の追補に伴い提出期限を延長します。' })]);
    const page = await h.call('GET', `/public/cases/${caseId}`);
    expect(page.status).toBe(200);
    for (const text of ['変更・追加', '変更第1号', '仕様書の追補に伴い提出期限を延長します。', '提案書の提出期限', '令和8年6月30日(火) 17:00', '令和8年7月10日(金) 17:00']) expect(page.text).toContain(text);
  });

  it('creates nothing for a save that changes nothing, and needs no reason for it', async () => {
    const res = await h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body: { title: '住民記録システム共同調達', submissionDeadline: '2026-07-10T17:00:00.000+09:00' } });
    expect(res.status, res.text).toBe(200);
    expect(await rowsOf(caseId)).toHaveLength(1);
  });

  it('numbers the next addendum 変更第2号', async () => {
    const res = await h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body: { title: '住民記録システム標準化対応', reason: '件名の誤りを訂正します。' } });
    expect(res.status, res.text).toBe(200);
    const seen = await addendaOf(caseId, a.member);
    expect(seen.body.addenda.map((x: { no: number }) => x.no)).toEqual([1, 2]);
    expect(seen.body.addenda[1].changes).toEqual([{ field: 'title', label: '件名', before: '住民記録システム共同調達', after: '住民記録システム標準化対応' }]);
  });
});

describe('a spec changed after publication', () => {
  it('creates an addendum naming the versions and what changed', async () => {
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '財務会計システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    const caseId = created.body.case.id as string;
    const spec = (sections: { heading: string; body: string }[], reason?: string) =>
      h.call('PUT', `/api/cases/${caseId}/spec`, { token: a.secretariat, body: { sections, requirements: [{ code: 'F-1', text: '予算を執行できること', level: 'must' }], ...(reason ? { reason } : {}) } });
    expect((await spec([{ heading: '概要', body: '財務会計' }])).status).toBe(200);
    await putSpec(h, a.secretariat, caseId);
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
    const refused = await spec([{ heading: '概要', body: '財務会計' }, { heading: '帳票', body: '決算書' }]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toContainEqual(expect.objectContaining({ path: 'reason' }));
    const saved = await spec([{ heading: '概要', body: '財務会計' }, { heading: '帳票', body: '決算書' }], '帳票の章を追加します。');
    expect(saved.status, saved.text).toBe(200);
    const seen = await addendaOf(caseId);
    expect(seen.body.addenda).toHaveLength(1);
    expect(seen.body.addenda[0].changes).toEqual([
      { field: 'spec', label: '仕様書', before: '第1版', after: '第2版' },
      { field: 'section:帳票', label: '仕様書の章『帳票』', before: null, after: '追加' },
    ]);
  });
});

describe('a ceiling price that is not published', () => {
  it('is announced as changed without either amount, in the API and on the public page', async () => {
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '庁舎清掃業務', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    const caseId = created.body.case.id as string;
    const setup = { ceilingPrice: 7_654_321, ceilingPublic: false, floorPrice: 6_543_210, investigationPrice: 6_789_012, deadlineAt: '2026-06-20T17:00:00.000+09:00', openingAt: '2026-06-21T10:00:00.000+09:00', maxRounds: 2 };
    expect((await h.call('PUT', `/api/cases/${caseId}/bidding`, { token: a.secretariat, body: setup })).status).toBe(200);
    await putSpec(h, a.secretariat, caseId);
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
    const changed = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
      token: a.secretariat,
      body: { ...setup, ceilingPrice: 8_765_432, floorPrice: 7_000_123, investigationPrice: 7_100_456, reason: '積算を見直しました。' },
    });
    expect(changed.status, changed.text).toBe(200);
    const amounts = /7,?654,?321|8,?765,?432|6,?543,?210|6,?789,?012|7,?000,?123|7,?100,?456/;
    const seen = await addendaOf(caseId);
    expect(seen.body.addenda).toEqual([expect.objectContaining({ no: 1, changes: [{ field: 'ceilingPrice', label: '予定価格（非公表）', before: '（非公表）', after: '変更あり（金額は非公表）' }] })]);
    expect(seen.text).not.toMatch(amounts);
    const stored = await rowsOf(caseId);
    expect(JSON.stringify(stored)).not.toMatch(amounts);
    const api = await h.call('GET', `/api/public/cases/${caseId}`);
    expect(JSON.stringify(api.body.case.addenda)).not.toMatch(amounts);
    const page = await h.call('GET', `/public/cases/${caseId}`);
    expect(page.text).toContain('予定価格（非公表）');
    expect(page.text).not.toMatch(amounts);
    // a change of the floor alone is nobody's business before the opening: no addendum, no reason asked
    const floorOnly = await h.call('PUT', `/api/cases/${caseId}/bidding`, { token: a.secretariat, body: { ...setup, ceilingPrice: 8_765_432, floorPrice: 7_000_999 } });
    expect(floorOnly.status, floorOnly.text).toBe(200);
    expect(await rowsOf(caseId)).toHaveLength(1);
  });
});

describe('a draft case', () => {
  it('changes freely, without a reason and without addenda', async () => {
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '下書きの案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-06-30T17:00:00.000+09:00' } });
    const caseId = created.body.case.id as string;
    expect((await h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body: { title: '下書きの案件（改）', submissionDeadline: '2026-07-30T17:00:00.000+09:00' } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${caseId}/spec`, { token: a.secretariat, body: { sections: [{ heading: '概要', body: 'x' }] } })).status).toBe(200);
    expect((await h.call('PUT', `/api/cases/${caseId}/spec`, { token: a.secretariat, body: { sections: [{ heading: '概要', body: 'y' }] } })).status).toBe(200);
    expect(await rowsOf(caseId)).toEqual([]);
    expect((await addendaOf(caseId, a.secretariat)).body.addenda).toEqual([]);
  });
});

describe('the case page', () => {
  it('takes the change and its 変更理由 through the edit form without JavaScript, and shows the addendum to a vendor', async () => {
    const caseId = await openProposalCase(h, a, '介護保険システム');
    const sec = await h.cookieFor('sec-ad@test.example');
    const before = await h.page(sec, `/cases/${caseId}`);
    expect(before.text).toMatch(/<label for="edit-reason">変更理由（必須）<\/label>/);
    expect(before.text).toMatch(/<textarea[^>]*id="edit-reason"[^>]*required/);
    const fields = { title: '介護保険システム', description: '', rfiDeadline: '', submissionDeadline: '2026-07-15T17:00', questionDeadline: '' };
    const refused = await h.form(sec, `/cases/${caseId}/edit`, fields);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(REASON_REQUIRED);
    const posted = await h.form(sec, `/cases/${caseId}/edit`, { ...fields, reason: '参加団体の追加に伴い延長します。' });
    expect(posted.status).toBe(303);
    const vendor = await h.cookieFor('vendor-ad@test.example');
    const page = await h.page(vendor, `/cases/${caseId}`);
    expect(page.status).toBe(200);
    for (const text of ['変更・追加', '変更第1号', '参加団体の追加に伴い延長します。', '<th scope="col">項目</th>', '<th scope="col">変更前</th>', '<th scope="col">変更後</th>', '令和8年6月30日(火) 17:00', '令和8年7月15日(水) 17:00']) {
      expect(page.text).toContain(text);
    }
    // the schedule change is listed once, as the addendum
    expect(page.text).not.toContain('日程の変更');
  });
});
