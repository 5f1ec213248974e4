import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, createTenant, putSpec } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

/**
 * A vendor's main task, page by page: register on the public registration page, be approved by the
 * secretariat on the vendors page, upload a proposal and bid on a tender. Only the two cases are set up
 * through the API.
 */
describe.runIf(hasChromium)("a new vendor's first proposal and first bid", () => {
  let world: BrowserWorld;
  let proposalCase: string;
  let tenderCase: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    h.deps.config.sessionIdleMs = 365 * 86_400_000;
    h.deps.config.sessionMaxMs = 400 * 86_400_000;
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const t = await createTenant(h, 'e2ej');
    const proposal = await h.call('POST', '/api/cases', {
      token: t.secretariat,
      body: { title: '電子申請システムの共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-06-30T17:00:00.000+09:00' },
    });
    proposalCase = proposal.body.case.id;
    await putSpec(h, t.secretariat, proposalCase);
    expect((await h.call('POST', `/api/cases/${proposalCase}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
    const tender = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '庁内ネットワーク機器の購入', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    tenderCase = tender.body.case.id;
    const bidding = { ceilingPrice: 8_000_000, ceilingPublic: true, deadlineAt: '2026-06-20T17:00:00.000+09:00', openingAt: '2026-06-22T10:00:00.000+09:00' };
    expect((await h.call('PUT', `/api/cases/${tenderCase}/bidding`, { token: t.secretariat, body: bidding })).status).toBe(200);
    await putSpec(h, t.secretariat, tenderCase);
    expect((await h.call('POST', `/api/cases/${tenderCase}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
  }, 60_000);
  afterAll(() => world?.close());

  it('registers, waits for approval, is approved, uploads a proposal and bids', async () => {
    const { browser, base } = world;
    const company = '株式会社くまもとシステム';
    const vendor = await browser.newPage();

    // registration, reached from the login page
    await vendor.goto(`${base}/login`);
    await vendor.getByRole('link', { name: '事業者の登録' }).click();
    await vendor.getByLabel('協議会').selectOption({ label: 'e2ej協議会' });
    await vendor.getByLabel('商号または名称').fill(company);
    await vendor.getByLabel(/所在地/).fill('熊本県熊本市中央区水前寺6-18-1');
    await vendor.getByLabel('担当者名').fill('熊本 花子');
    await vendor.getByLabel('メールアドレス').fill('hanako@kumamoto-system.example');
    await vendor.getByLabel(/パスワード/).fill('a-long-password-1');
    await vendor.getByRole('button', { name: '登録する' }).click();
    await vendor.waitForLoadState();
    expect(await vendor.locator('.error').allTextContents()).toEqual([]);
    await vendor.waitForURL(/\/cases$/);

    // not yet approved: the case list and the proposal page say why no file can be sent yet
    expect(await vendor.getByText(/事務局が入札参加資格を確認して承認するまで/).isVisible()).toBe(true);
    await vendor.goto(`${base}/cases/${proposalCase}/submit`);
    expect(await vendor.getByText('入札参加資格: 審査中').isVisible()).toBe(true);
    expect(await vendor.getByRole('button', { name: '送信する' }).count()).toBe(0);

    // the secretariat approves it on the vendors page, confirming the decision
    const sec = await browser.newPage();
    await loginAs(sec, base, 'sec-e2ej@test.example', PASSWORD);
    await sec.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '事業者' }).click();
    await sec.waitForURL(`${base}/vendors`);
    const row = sec.locator('tr', { has: sec.getByRole('rowheader', { name: company }) });
    expect(await row.getByText('審査中').isVisible()).toBe(true);
    await row.getByRole('button', { name: '承認', exact: true }).click();
    expect(await sec.getByRole('heading', { name: '入札参加資格の決定の確認' }).isVisible()).toBe(true);
    await sec.getByRole('button', { name: '承認する' }).click();
    await sec.waitForURL(/\/vendors\?done=approved/);
    expect(await row.getByText('承認済み').isVisible()).toBe(true);
    await sec.close();

    // the proposal: a file and a price
    await vendor.goto(`${base}/cases`);
    await vendor.getByRole('link', { name: '電子申請システムの共同調達' }).click();
    await vendor.waitForURL(`${base}/cases/${proposalCase}`);
    await vendor.getByRole('link', { name: /提案書を提出する/ }).click();
    await vendor.waitForURL(`${base}/cases/${proposalCase}/submit`);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(40_000, 1)]);
    await vendor.getByLabel(/ファイル（PDF/).setInputFiles({ name: '技術提案書.pdf', mimeType: 'application/pdf', buffer: pdf });
    await vendor.getByRole('button', { name: '送信する' }).click();
    await vendor.waitForURL(/done=file/);
    expect(await vendor.getByText('ファイルを受け付けました').isVisible()).toBe(true);
    expect(await vendor.getByText('技術提案書.pdf').first().isVisible()).toBe(true);
    await vendor.getByLabel('提案価格（円・税抜）').fill('7,500,000');
    await vendor.getByLabel('提案価格（円・税抜）').press('Enter');
    await vendor.waitForURL(/done=price/);
    expect(await vendor.getByText(/7,500,000/).first().isVisible()).toBe(true);

    // the bid, confirmed before it is sealed
    await vendor.goto(`${base}/cases`);
    await vendor.getByRole('link', { name: '庁内ネットワーク機器の購入' }).click();
    await vendor.waitForURL(`${base}/cases/${tenderCase}`);
    await vendor.getByRole('link', { name: /入札する/ }).click();
    await vendor.waitForURL(`${base}/cases/${tenderCase}/bid`);
    await vendor.getByLabel('入札金額（円・税抜）').fill('7200000');
    await vendor.getByLabel(/くじ番号/).fill('345');
    await vendor.getByRole('button', { name: '確認画面へ' }).click();
    expect(await vendor.getByText('入札内容の確認').isVisible()).toBe(true);
    expect(await vendor.getByText(/7,200,000/).first().isVisible()).toBe(true);
    await vendor.getByRole('button', { name: 'この内容で入札する' }).click();
    await vendor.waitForURL(/done=bid/);
    expect(await vendor.locator('code.hash').count()).toBeGreaterThan(0);

    // both receipts are the vendor's to keep
    await vendor.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '受付票' }).click();
    await vendor.waitForURL(`${base}/receipts`);
    expect(await vendor.getByText('技術提案書.pdf').first().isVisible()).toBe(true);
    await vendor.close();
  }, 120_000);
});
