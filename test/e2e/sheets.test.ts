import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD, type Tenant, createTenant, putSpec } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

const shots = process.env.E2E_SCREENSHOTS;
async function shoot(page: Page, name: string) {
  if (!shots) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
}

describe.runIf(hasChromium)('scoring sheets and the bidding pages in the browser', () => {
  let world: BrowserWorld;
  let t: Tenant;
  let caseId: string;
  let bidCase: string;
  const evaluators: Record<string, string> = {};

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    t = await createTenant(h, 'e2sh');
    for (const [n, email] of [['三', 'ev3'], ['一', 'ev1'], ['二', 'ev2']] as const) {
      const u = await h.call('POST', '/api/users', { token: t.secretariat, body: { email: `${email}-e2sh@test.example`, name: `評価委員 ${n}`, role: 'evaluator', password: PASSWORD } });
      evaluators[n] = u.body.user.id;
    }
    const third = await h.call('POST', '/api/vendors', { token: t.secretariat, body: { name: 'e2sh事業者3' } });
    await h.call('POST', '/api/users', { token: t.secretariat, body: { email: 'vendor3-e2sh@test.example', name: 'vendor3', role: 'vendor', password: PASSWORD, vendorId: third.body.vendor.id } });
    const created = await h.call('POST', '/api/cases', {
      token: t.secretariat,
      body: { title: '図書館システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' },
    });
    caseId = created.body.case.id;
    await putSpec(h, t.secretariat, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } });
    for (const [token, price] of [[t.vendor, 9_000_000], [t.otherVendor, 8_500_000], [await h.login('vendor3-e2sh@test.example'), 9_500_000]] as const) {
      const p = await h.call('PUT', `/api/cases/${caseId}/proposal`, { token, body: { price } });
      if (p.status !== 200) throw new Error(p.text);
    }
    await h.call('PUT', `/api/cases/${caseId}/evaluation`, {
      token: t.secretariat,
      body: {
        criteria: [
          { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 40, mode: 'points' },
          { code: 'lgwan', group: '必須要件', name: 'LGWAN環境での利用', maxPoints: 0, mode: 'pass_fail' },
        ],
        aggregation: 'average',
        evaluatorIds: [evaluators['三'], evaluators['一'], evaluators['二']],
        reason: '評価基準を定めます。',
      },
    });
    // a tender: the second vendor will decline, the first bid over the ceiling
    const tender = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '複合機の賃貸借', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } });
    bidCase = tender.body.case.id;
    await putSpec(h, t.secretariat, bidCase);
    await h.call('POST', `/api/cases/${bidCase}/transition`, { token: t.secretariat, body: { to: 'open' } });
    const set = await h.call('PUT', `/api/cases/${bidCase}/bidding`, {
      token: t.secretariat,
      body: { ceilingPrice: 5_000_000, ceilingPublic: false, deadlineAt: '2026-04-12T17:00:00.000+09:00', openingAt: '2026-04-13T10:00:00.000+09:00', maxRounds: 3, reason: '入札の条件を定めます。' },
    });
    if (set.status !== 200) throw new Error(set.text);
    h.clock.set('2026-04-11T10:00:00.000+09:00');
  }, 90_000);
  afterAll(() => world?.close());

  it('a vendor declines a round from the page with a confirmation, another bids; after the opening only the one over the ceiling gets the re-bid form, and the digest checks', async () => {
    const { h } = world;
    const decliner = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginAs(decliner, world.base, 'vendor2-e2sh@test.example', PASSWORD);
    await decliner.goto(`${world.base}/cases/${bidCase}/bid`);
    // the box must be ticked: the browser itself refuses the unticked form
    await decliner.getByRole('button', { name: '辞退する' }).click();
    expect(decliner.url()).toMatch(/\/bid$/);
    await decliner.getByLabel(/第1回の入札を辞退し、取り消せないことを確認しました/).check();
    await decliner.getByRole('button', { name: '辞退する' }).click();
    await decliner.waitForURL(/done=decline/);
    expect(await decliner.getByText('辞退を受け付けました。').isVisible()).toBe(true);

    const bidder = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginAs(bidder, world.base, 'vendor-e2sh@test.example', PASSWORD);
    await bidder.goto(`${world.base}/cases/${bidCase}/bid`);
    await bidder.getByLabel('入札金額（円・税抜）').fill('５，５００，０００');
    await bidder.getByLabel(/くじ番号/).fill('12');
    await bidder.getByRole('button', { name: '確認画面へ' }).click();
    await bidder.getByRole('button', { name: 'この内容で入札する' }).click();
    await bidder.waitForURL(/done=bid/);

    h.clock.set('2026-04-13T10:00:00.000+09:00');
    const sec = await h.login('sec-e2sh@test.example');
    expect((await h.call('POST', `/api/cases/${bidCase}/bids/open`, { token: sec })).status).toBe(200);
    expect((await h.call('POST', `/api/cases/${bidCase}/bids/rounds`, { token: sec, body: { deadlineAt: '2026-04-14T17:00:00.000+09:00', openingAt: '2026-04-15T10:00:00.000+09:00' } })).status).toBe(201);

    // two days on: the sessions have lapsed, each signs in again
    await loginAs(decliner, world.base, 'vendor2-e2sh@test.example', PASSWORD);
    await decliner.goto(`${world.base}/cases/${bidCase}/bid`);
    expect(await decliner.getByRole('heading', { name: '入札（第2回）' }).count()).toBe(1);
    expect(await decliner.getByLabel('入札金額（円・税抜）').count()).toBe(0);
    expect(await decliner.locator('#rebid-refusal').textContent()).toContain('貴社は第1回を辞退したため、この回には入札できません。');
    await shoot(decliner, 'rebid-refused');

    await loginAs(bidder, world.base, 'vendor-e2sh@test.example', PASSWORD);
    await bidder.goto(`${world.base}/cases/${bidCase}/bid`);
    expect(await bidder.getByLabel('入札金額（円・税抜）').isVisible()).toBe(true);
    await bidder.getByRole('link', { name: '第1回のダイジェストを確認する' }).click();
    expect(await bidder.locator('#digest-verdict').textContent()).toContain('一致しました。');
    // a changed amount in the text does not match the receipt
    const text = await bidder.locator('#digest-input').inputValue();
    await bidder.locator('#digest-input').fill(text.replace('5500000', '4500000'));
    await bidder.getByRole('button', { name: '確認する' }).click();
    expect(await bidder.getByRole('alert').textContent()).toContain('一致しません。');
    await shoot(bidder, 'digest-check');
    await decliner.close();
    await bidder.close();
  }, 90_000);

  it('an evaluator scores and submits three sheets, each through the confirmation', async () => {
    const { h } = world;
    h.clock.set('2026-04-14T10:00:00.000+09:00');
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: await h.login('sec-e2sh@test.example'), body: { to: 'evaluation' } });
    const page = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginAs(page, world.base, 'ev1-e2sh@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${caseId}/evaluate`);
    await page.getByLabel('提案者との利害関係はありません').check();
    await page.getByRole('button', { name: '申告する' }).click();
    for (const [i, score] of [[1, '30'], [2, '25.5'], [3, '38']] as const) {
      await page.getByRole('link', { name: '採点する' }).first().click();
      await page.getByLabel('機能要件の充足度').fill(score);
      await page.getByLabel('LGWAN環境での利用').selectOption('true');
      await page.getByRole('button', { name: '提出（確認画面へ）' }).click();
      await page.waitForURL(/\/submit$/);
      expect(await page.getByRole('heading', { name: /採点票の提出の確認/ }).count()).toBe(1);
      expect(await page.getByText(`${score}点`).first().isVisible()).toBe(true);
      if (i === 1) await shoot(page, 'sheet-confirm');
      await page.getByRole('button', { name: 'この内容で提出する' }).click();
      await page.waitForURL(/done=submit/);
      expect(await page.getByText('この採点票は提出済みです。').isVisible()).toBe(true);
      await page.getByRole('link', { name: '提案の一覧へ戻る' }).click();
    }
    expect(await page.locator('.status-submitted').count()).toBe(3);
    expect(await page.getByRole('link', { name: '採点する' }).count()).toBe(0);
    await page.close();
  }, 90_000);

  it('a save in another tab stops editing in this one, with a banner and a way to the latest version', async () => {
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const first = await context.newPage();
    await loginAs(first, world.base, 'ev2-e2sh@test.example', PASSWORD);
    await first.goto(`${world.base}/cases/${caseId}/evaluate`);
    await first.getByLabel('提案者との利害関係はありません').check();
    await first.getByRole('button', { name: '申告する' }).click();
    await first.getByRole('link', { name: '採点する' }).first().click();
    await first.waitForURL(/\/evaluate\/[^/?]+$/);
    expect(await first.getByLabel('機能要件の充足度').isEnabled()).toBe(true);
    const second = await context.newPage();
    await second.goto(first.url());
    // the first tab saves; the second, still on the old version, may not carry on
    await first.bringToFront();
    await first.getByLabel('機能要件の充足度').fill('31');
    await first.getByRole('button', { name: '一時保存' }).click();
    await first.waitForURL(/done=save/);
    await second.bringToFront();
    await second.getByLabel('機能要件の充足度').fill('12').catch(() => undefined);
    await expect.poll(() => second.locator('#sheet-conflict').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await second.getByRole('alert').filter({ hasText: 'この画面では編集できません。' }).count()).toBe(1);
    expect(await second.getByLabel('機能要件の充足度').isDisabled()).toBe(true);
    // the buttons are gone: nothing here can be saved
    expect(await second.getByRole('button', { name: '一時保存' }).count()).toBe(0);
    expect(await second.getByRole('button', { name: '提出（確認画面へ）' }).count()).toBe(0);
    await shoot(second, 'sheet-conflict');
    await second.getByRole('link', { name: '最新の内容を読み込む' }).click();
    expect(await second.getByLabel('機能要件の充足度').inputValue()).toBe('31');
    expect(await second.getByLabel('機能要件の充足度').isEnabled()).toBe(true);
    expect(await second.locator('#sheet-conflict').isVisible()).toBe(false);
    await context.close();
  }, 90_000);

  it('a sheet the secretariat returns shows the evaluator why; the committee is listed 一, 二, 三', async () => {
    const sec = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginAs(sec, world.base, 'sec-e2sh@test.example', PASSWORD);
    await sec.goto(`${world.base}/cases/${caseId}/evaluation`);
    const rows = await sec.locator('table', { hasText: '評価委員ごとの提出状況' }).locator('tbody th').allTextContents();
    expect(rows).toEqual(['評価委員 一', '評価委員 二', '評価委員 三']);
    await sec.getByLabel('評価委員', { exact: true }).selectOption({ label: '評価委員 一' });
    await sec.getByLabel('提案者', { exact: true }).selectOption({ label: 'e2sh事業者1' });
    await sec.getByLabel('理由（記録に残ります）').fill('LGWANの判定の根拠を講評に書いてください');
    await sec.getByRole('button', { name: '差し戻す' }).click();
    await sec.waitForURL(/done=reopen/);
    await shoot(sec, 'evaluation-admin');

    const page = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginAs(page, world.base, 'ev1-e2sh@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${caseId}/evaluate`);
    expect(await page.getByText('差し戻しの理由').textContent()).toContain('LGWANの判定の根拠を講評に書いてください');
    await page.getByRole('link', { name: '採点する' }).click();
    expect(await page.locator('#sheet-returned').textContent()).toContain('理由: LGWANの判定の根拠を講評に書いてください');
    await shoot(page, 'sheet-returned');
    await sec.close();
    await page.close();
  }, 90_000);
});
