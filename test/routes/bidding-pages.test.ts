import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let caseId: string;


beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'bp');
  h.clock.set('2026-06-01T09:00:00.000+09:00');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '電子契約システム', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
  caseId = created.body.case.id;
  await putSpec(h, a.secretariat, caseId);
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
});
afterAll(() => h.close());

describe('bidding pages', () => {
  let sec: string;
  let vendor: string;
  let vendor2: string;

  it('let the secretariat set up the tender through the form', async () => {
    sec = await h.cookieFor('sec-bp@test.example');
    // a refused setup comes back as typed (amounts with their commas)
    const refused = await h.form(sec, `/cases/${caseId}/bidding`, [
      ['ceilingPrice', '10,000,000'], ['floorPrice', '12,000,000'], ['investigationPrice', ''], ['taxRate', '0.1'],
      ['deadlineAt', '2026-06-09T17:00'], ['openingAt', '2026-06-10T10:00'], ['maxRounds', '2'], ['lotSystemValue', 'epoch_seconds'], ['ceilingPublic', 'on'],
    ]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('最低制限価格は予定価格以下にしてください');
    expect(refused.text).toContain('name="floorPrice" type="text" inputmode="numeric" value="12,000,000"');
    expect(refused.text).toContain('name="deadlineAt" type="datetime-local" required="" value="2026-06-09T17:00"');
    expect(refused.text).toContain('name="maxRounds" type="number" min="1" max="10" value="2"');
    expect(refused.text).toContain('<option value="epoch_seconds" selected="">');
    expect(refused.text).toContain('name="ceilingPublic" checked=""');
    const res = await h.form(sec, `/cases/${caseId}/bidding`, [
      ['ceilingPrice', '10,000,000'], ['floorPrice', '8,000,000'], ['investigationPrice', ''], ['taxRate', '0.1'],
      ['deadlineAt', '2026-06-09T17:00'], ['openingAt', '2026-06-10T10:00'], ['maxRounds', '2'], ['lotSystemValue', 'receipt_ms'], ['reason', '入札の日程と条件を定めます。'],
    ]);
    expect(res.status).toBe(303);
    const api = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.secretariat });
    expect(api.body.bidding).toMatchObject({ ceilingPrice: 10_000_000, floorPrice: 8_000_000, investigationPrice: null, maxRounds: 2, ceilingPublic: false });
    // a vendor sees neither the closed ceiling nor the floor
    const seen = await h.call('GET', `/api/cases/${caseId}/bidding`, { token: a.vendor });
    expect(seen.body.bidding.ceilingPrice).toBeNull();
    expect(seen.body.bidding).not.toHaveProperty('floorPrice');
  });

  it('take a bid through a confirmation step and show the receipt, never the amount', async () => {
    vendor = await h.cookieFor('vendor-bp@test.example');
    h.clock.set('2026-06-05T10:00:00.321+09:00');
    const confirm = await h.form(vendor, `/cases/${caseId}/bid`, [['amount', '9,345,678'], ['lotNumber', '42']]);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('入札内容の確認');
    expect(confirm.text).toContain('9,345,678円');
    expect(confirm.text).toContain('10,280,245円');
    expect(confirm.text).toContain('042');
    const done = await h.form(vendor, `/cases/${caseId}/bid/confirm`, [['amount', '9345678'], ['lotNumber', '42']]);
    expect(done.status).toBe(303);
    const page = await h.page(vendor, `/cases/${caseId}/bid?done=bid`);
    expect(page.text).toContain('入札を受け付けました');
    expect(page.text).toContain('開札前');
    expect(page.text).not.toContain('9,345,678');
    const again = await h.form(vendor, `/cases/${caseId}/bid/confirm`, [['amount', '1'], ['lotNumber', '1']]);
    expect(again.status).toBe(409);
  });

  it('never show an amount on any page before the opening', async () => {
    vendor2 = await h.cookieFor('vendor2-bp@test.example');
    await h.form(vendor2, `/cases/${caseId}/bid/confirm`, [['amount', '9345678'], ['lotNumber', '900']]);
    const member = await h.cookieFor('member-bp@test.example');
    const evaluator = await h.cookieFor('eval-bp@test.example');
    const pages: [string, string[]][] = [
      [sec, ['/cases', `/cases/${caseId}`, `/cases/${caseId}/bidding`]],
      [vendor, ['/cases', `/cases/${caseId}`, `/cases/${caseId}/bid`, '/receipts']],
      [vendor2, [`/cases/${caseId}`, `/cases/${caseId}/bid`]],
      [member, ['/cases', `/cases/${caseId}`]],
      [evaluator, ['/cases', `/cases/${caseId}`]],
    ];
    for (const [cookie, paths] of pages) {
      for (const path of paths) {
        const res = await h.page(cookie, path);
        expect(res.text, path).not.toMatch(/9,?345,?678/);
      }
    }
    const admin = await h.page(sec, `/cases/${caseId}/bidding`);
    expect(admin.text).toContain('data-bid-count');
    expect(admin.text).toMatch(/受付件数: <strong[^>]*>2<\/strong>/);
  });

  it('open with the confirmation and show the tie and the arithmetic of the lot', async () => {
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    expect((await h.form(sec, `/cases/${caseId}/bidding/open`, [])).status).toBe(400);
    expect((await h.form(sec, `/cases/${caseId}/bidding/open`, [['confirm', 'on']])).status).toBe(303);
    const page = await h.page(sec, `/cases/${caseId}/bidding?done=open`);
    expect(page.text).toContain('第1回 開札結果: 落札者決定');
    expect(page.text).toContain('電子くじ（同額の入札 2 者）');
    // 042 + 321 = 363; the other bid's milliseconds decide the rest of the arithmetic
    expect(page.text).toContain('363');
    expect(page.text).toMatch(/決定番号の合計 \d+ ÷ 2（くじの対象者数）＝ \d+ 余り [01]/);
    const vendorView = await h.page(vendor, `/cases/${caseId}/bid`);
    expect(vendorView.text).toContain('9,345,678円');
  });
});
