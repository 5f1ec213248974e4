import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { PASSWORD, createTenant, putSpec } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

async function bidAs(browser: Browser, base: string, email: string, caseId: string, amount: string, lot: string) {
  const page = await browser.newPage();
  await loginAs(page, base, email, PASSWORD);
  await page.goto(`${base}/cases/${caseId}/bid`);
  await page.getByLabel('入札金額（円・税抜）').fill(amount);
  await page.getByLabel(/くじ番号/).fill(lot);
  await page.getByRole('button', { name: '確認画面へ' }).click();
  expect(await page.getByText('入札内容の確認').isVisible()).toBe(true);
  await page.getByRole('button', { name: 'この内容で入札する' }).click();
  await page.waitForURL(/done=bid/);
  expect(await page.locator('code.hash').count()).toBeGreaterThan(0);
  await page.close();
}

describe.runIf(hasChromium)('a whole tender in the browser', () => {
  let world: BrowserWorld;
  let caseId: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    h.deps.config.sessionIdleMs = 365 * 86_400_000;
    h.deps.config.sessionMaxMs = 400 * 86_400_000;
    const t = await createTenant(h, 'e2et');
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '電子契約システム', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    caseId = created.body.case.id;
    await putSpec(h, t.secretariat, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } });
  }, 60_000);
  afterAll(() => world?.close());

  it('sets up, takes sealed bids, re-bids, breaks a tie by lot and shows the arithmetic', async () => {
    const { h, browser, base } = world;
    const sec = await browser.newPage();
    await loginAs(sec, base, 'sec-e2et@test.example', PASSWORD);
    await sec.goto(`${base}/cases/${caseId}/bidding`);
    await sec.getByLabel('予定価格（円・税抜）').fill('10000000');
    await sec.getByLabel('入札締切').fill('2026-06-09T17:00');
    await sec.getByLabel('開札日時').fill('2026-06-10T10:00');
    await sec.getByLabel('入札回数の上限').fill('2');
    await sec.getByLabel('変更理由（必須）').fill('入札の日程と条件を定めます。');
    await sec.getByRole('button', { name: '入札の設定を保存' }).click();
    await sec.waitForURL(/done=setup/);

    // round 1: both bids above the ceiling
    h.clock.set('2026-06-05T10:00:00.100+09:00');
    await bidAs(browser, base, 'vendor-e2et@test.example', caseId, '10500000', '111');
    await bidAs(browser, base, 'vendor2-e2et@test.example', caseId, '10400000', '222');
    h.clock.set('2026-06-10T10:00:00.000+09:00');
    await sec.goto(`${base}/cases/${caseId}/bidding`);
    await sec.getByLabel('開札すると取り消せないことを確認しました').check();
    await sec.getByRole('button', { name: '開札する' }).click();
    await sec.waitForURL(/done=open/);
    expect(await sec.getByText('第1回 開札結果: 再度入札').isVisible()).toBe(true);
    await sec.locator('#rebid-deadline').fill('2026-06-10T11:00');
    await sec.locator('#rebid-opening').fill('2026-06-10T11:30');
    await sec.getByRole('button', { name: '再度入札を行う' }).click();
    await sec.waitForURL(/done=rebid/);

    // round 2: equal bids, broken by the lot
    h.clock.set('2026-06-10T10:20:00.250+09:00');
    await bidAs(browser, base, 'vendor-e2et@test.example', caseId, '9800000', '123');
    h.clock.set('2026-06-10T10:40:00.900+09:00');
    await bidAs(browser, base, 'vendor2-e2et@test.example', caseId, '9800000', '500');
    h.clock.set('2026-06-10T11:30:00.000+09:00');
    await sec.goto(`${base}/cases/${caseId}/bidding`);
    await sec.getByLabel('開札すると取り消せないことを確認しました').check();
    await sec.getByRole('button', { name: '開札する' }).click();
    await sec.waitForURL(/done=open/);
    expect(await sec.getByText('第2回 開札結果: 落札者決定').isVisible()).toBe(true);
    // (123 + 250) mod 1000 = 373, (500 + 900) mod 1000 = 400; 773 ÷ 2 = 386 余り 1 → order 1 wins
    expect(await sec.getByText('決定番号の合計 773 ÷ 2（くじの対象者数）＝ 386 余り 1 → 順番 1 の e2et事業者2 が当選').isVisible()).toBe(true);
    expect(await sec.locator('p', { hasText: '落札者:' }).last().textContent()).toContain('e2et事業者2');
    if (process.env.E2E_SCREENSHOTS) await sec.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/tender.png`, fullPage: true });
    await sec.close();
  }, 120_000);
});
