import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let caseId: string;
let sec: string;
let vendor: string;
let vendor2: string;

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'bdd');
  h.clock.set('2026-06-01T09:00:00.000+09:00');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '庁内ネットワーク更新', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
  caseId = created.body.case.id;
  await putSpec(h, a.secretariat, caseId);
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
  const set = await h.call('PUT', `/api/cases/${caseId}/bidding`, {
    token: a.secretariat,
    body: { ceilingPrice: 10_000_000, ceilingPublic: false, deadlineAt: '2026-06-09T17:00:00.000+09:00', openingAt: '2026-06-10T10:00:00.000+09:00', maxRounds: 3, reason: '入札の条件を定めます。' },
  });
  if (set.status !== 200) throw new Error(set.text);
  sec = await h.cookieFor('sec-bdd@test.example');
  vendor = await h.cookieFor('vendor-bdd@test.example');
  vendor2 = await h.cookieFor('vendor2-bdd@test.example');
  h.clock.set('2026-06-05T10:00:00.000+09:00');
});
afterAll(() => h.close());

describe('a vendor declining, a re-bid only for those who may, and the digest check', () => {
  it('declines a round from the page only once the irreversibility is confirmed', async () => {
    const page = await h.page(vendor2, `/cases/${caseId}/bid`);
    expect(page.text).toContain('第1回の入札を辞退し、取り消せないことを確認しました');
    const unconfirmed = await h.form(vendor2, `/cases/${caseId}/bid/decline`, []);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('辞退の確認にチェックを入れてください。');
    const declined = await h.form(vendor2, `/cases/${caseId}/bid/decline`, [['confirm', 'on']]);
    expect(declined.status).toBe(303);
    const after = await h.page(vendor2, `/cases/${caseId}/bid?done=decline`);
    expect(after.text).toContain('辞退を受け付けました。');
    expect(after.text).not.toContain('確認画面へ');
    expect(after.text).toMatch(/<td>第1回<\/td><td>辞退<\/td>/);
  });

  it('words the received bids by the state: sealed before the opening, not after', async () => {
    expect((await h.form(vendor, `/cases/${caseId}/bid/confirm`, [['amount', '11,000,000'], ['lotNumber', '7']])).status).toBe(303);
    const before = await h.page(sec, `/cases/${caseId}/bidding`);
    expect(before.text).toContain('受け付けた入札（金額は開札まで表示されません）');
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    expect((await h.form(sec, `/cases/${caseId}/bidding/open`, [['confirm', 'on']])).status).toBe(303);
    const after = await h.page(sec, `/cases/${caseId}/bidding`);
    expect(after.text).not.toContain('金額は開札まで表示されません');
    expect(after.text).toContain('受け付けた入札（金額は下の開札結果に表示しています）');
  });

  it('shows the re-bid form only to a vendor over the ceiling, and tells the one who declined why', async () => {
    expect((await h.form(sec, `/cases/${caseId}/bidding/rebid`, [['deadlineAt', '2026-06-12T17:00'], ['openingAt', '2026-06-13T10:00']])).status).toBe(303);
    const eligible = await h.page(vendor, `/cases/${caseId}/bid`);
    expect(eligible.text).toContain('入札（第2回）');
    expect(eligible.text).toContain('確認画面へ');
    expect(eligible.text).not.toContain('id="rebid-refusal"');
    const refused = await h.page(vendor2, `/cases/${caseId}/bid`);
    expect(refused.text).not.toContain('確認画面へ');
    expect(refused.text).not.toContain('action="/cases/' + caseId + '/bid/decline"');
    expect(refused.text).toContain('第2回（再度入札）には、第1回で予定価格を超える入札をした事業者だけが参加できます。貴社は第1回を辞退したため、この回には入札できません。');
  });

  it('checks a receipt\'s digest against the opened bid, for the vendor and for anyone holding both', async () => {
    const mine = await h.page(vendor, `/cases/${caseId}/bid`);
    expect(mine.text).toContain(`href="/bid-digest?case=${caseId}&amp;round=1"`);
    const checked = await h.page(vendor, `/bid-digest?case=${caseId}&round=1`);
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('一致しました。');
    const digest = /name="digest" type="text" value="([0-9a-f]{64})"/.exec(checked.text)![1]!;
    const input = /<textarea id="digest-input"[^>]*>([^<]+)<\/textarea>/.exec(checked.text)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    expect(input).toContain('"amount":11000000');
    // anyone with the receipt and the text: no login needed
    const anyone = await h.call('GET', `/bid-digest?digest=${digest}&input=${encodeURIComponent(input)}`);
    expect(anyone.status).toBe(200);
    expect(anyone.text).toContain('一致しました。');
    const altered = await h.call('GET', `/bid-digest?digest=${digest}&input=${encodeURIComponent(input.replace('11000000', '10000000'))}`);
    expect(altered.text).toContain('一致しません。');
    expect(altered.text).toContain('role="alert"');
    // a round not yet opened has no text to check yet
    const unopened = await h.page(vendor, `/bid-digest?case=${caseId}&round=2`);
    expect(unopened.text).not.toContain('一致しました。');
    // another vendor's case link shows nothing of this vendor's bid
    const other = await h.page(vendor2, `/bid-digest?case=${caseId}&round=1`);
    expect(other.text).not.toContain(digest);
  });
});

describe('a proposal withdrawn', () => {
  it('is shown to the secretariat with its date and reason, even when nothing was sent', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '窓口予約システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-06-20T17:00:00.000+09:00' } });
    const id = created.body.case.id;
    await putSpec(h, a.secretariat, id);
    await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    await h.call('PUT', `/api/cases/${id}/proposal`, { token: a.vendor, body: { price: 3_000_000 } });
    const out = await h.form(vendor2, `/cases/${id}/submit/withdraw`, [['confirm', 'on'], ['reason', '体制を確保できないため']]);
    expect(out.status).toBe(303);
    h.clock.set('2026-06-21T09:00:00.000+09:00');
    const casePage = await h.page(sec, `/cases/${id}`);
    expect(casePage.text).toContain('bdd事業者2（辞退）');
    expect(casePage.text).toContain('理由: 体制を確保できないため');
    const api = await h.call('GET', `/api/cases/${id}/proposals`, { token: a.secretariat });
    expect(api.body.proposals.find((p: { vendorName: string }) => p.vendorName === 'bdd事業者2')).toMatchObject({ withdrawn: true, withdrawalReason: '体制を確保できないため' });
  });
});
