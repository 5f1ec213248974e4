import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD, createTenant, putSpec } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

/** Presses Tab until the element matching `selector` has the focus, as a keyboard user would. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${selector} with the keyboard`);
}

describe.runIf(hasChromium)('an evaluation committee in the browser', () => {
  let world: BrowserWorld;
  let caseId: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    const t = await createTenant(h, 'e2ee');
    const created = await h.call('POST', '/api/cases', {
      token: t.secretariat,
      body: { title: '文書管理システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' },
    });
    caseId = created.body.case.id;
    await putSpec(h, t.secretariat, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } });
    await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: t.vendor, body: { price: 9_000_000 } });
    const users = await h.call('GET', '/api/users', { token: t.secretariat });
    const evaluatorId = users.body.users.find((u: { role: string }) => u.role === 'evaluator').id;
    await h.call('PUT', `/api/cases/${caseId}/evaluation`, {
      token: t.secretariat,
      body: {
        criteria: [
          { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 40, mode: 'points' },
          { code: 'ops', group: '技術提案', name: '運用・保守体制', maxPoints: 30, mode: 'grade' },
          { code: 'lgwan', group: '必須要件', name: 'LGWAN環境での利用', maxPoints: 0, mode: 'pass_fail' },
          { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
        ],
        aggregation: 'average',
        evaluatorIds: [evaluatorId],
        anonymize: true,
        reason: '評価基準を定めます。',
      },
    });
    h.clock.set('2026-04-14T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: await h.login('sec-e2ee@test.example'), body: { to: 'evaluation' } });
  }, 60_000);
  afterAll(() => world?.close());

  it('declares no conflict, scores with the keyboard, submits, and the secretariat sees the result', async () => {
    const page = await world.browser.newPage({ viewport: { width: 820, height: 1100 } });
    await loginAs(page, world.base, 'eval-e2ee@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${caseId}`);
    await page.getByRole('link', { name: /提案を評価する/ }).click();
    expect(await page.getByText('提案者A').count()).toBe(0);
    await page.getByLabel('提案者との利害関係はありません').check();
    await page.getByRole('button', { name: '申告する' }).click();
    await page.getByRole('link', { name: '採点する' }).click();
    expect(await page.getByRole('heading', { name: '採点票: 提案者A' }).count()).toBe(1);

    // keyboard only: reach each input with Tab, type or pick with the arrow keys
    await tabTo(page, '#score-func');
    await page.keyboard.type('32.5');
    await tabTo(page, '#score-ops');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#score-ops').inputValue()).toBe('B');
    // the running total follows the inputs: 32.5 + B (0.75 × 30 = 22.5)
    await expect.poll(() => page.locator('#running-total').textContent()).toBe('55');
    await page.getByLabel('LGWAN環境での利用').selectOption('true');
    // autosave stores the draft without a click
    await expect.poll(() => page.locator('#save-status').textContent(), { timeout: 10_000 }).toMatch(/自動保存しました/);
    await tabTo(page, 'button[value=submit]');
    await page.keyboard.press('Enter');
    // the submission is confirmed on a page of its own, by keyboard too
    await page.waitForURL(/\/submit$/);
    expect(await page.getByRole('heading', { name: '採点票の提出の確認: 提案者A' }).count()).toBe(1);
    await tabTo(page, 'form[action$="/submit"] button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=submit/);
    expect(await page.getByText('この採点票は提出済みです。').isVisible()).toBe(true);

    const secretariat = await world.browser.newPage();
    await loginAs(secretariat, world.base, 'sec-e2ee@test.example', PASSWORD);
    await secretariat.goto(`${world.base}/cases/${caseId}/evaluation`);
    await secretariat.getByLabel(/締め切ると採点票は変更できなくなる/).check();
    await secretariat.getByRole('button', { name: '評価を締め切る' }).click();
    await secretariat.waitForURL(/done=close/);
    const row = secretariat.getByRole('row', { name: /e2ee事業者1/ }).first();
    expect(await row.textContent()).toMatch(/55.*30.*85.*合格/);
    expect(await secretariat.locator('p', { hasText: '優先交渉権者' }).textContent()).toMatch(/優先交渉権者: e2ee事業者1 ／ 次点: 該当なし/);
    expect(await secretariat.locator('figure.chart svg').count()).toBe(1);
    if (process.env.E2E_SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/sheet.png`, fullPage: true });
      await secretariat.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/results.png`, fullPage: true });
    }
    await page.close();
    await secretariat.close();
  }, 90_000);
});
