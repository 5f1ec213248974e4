import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PASSWORD, type Tenant, createTenant } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

const shots = process.env.E2E_SCREENSHOTS;

/** A screenshot at a desktop and a phone width, when the run asks for them. */
async function shoot(page: Page, name: string, part?: string) {
  if (!shots) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    if (part) await page.locator(part).screenshot({ path: `${shots}/${name}-${width}.png` });
    else await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.runIf(hasChromium)('participation in the browser', () => {
  let world: BrowserWorld;
  let t: Tenant;
  let caseId: string;
  const names = ['e2ep市', 'e2ep村', '北町', '南町', '西村'];
  const memberIds: string[] = [];

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    t = await createTenant(h, 'e2ep');
    memberIds.push(...t.memberIds);
    for (const name of names.slice(2)) {
      const m = await h.call('POST', '/api/members', { token: t.secretariat, body: { name, kind: name.endsWith('村') ? 'village' : 'town', population: 3000 } });
      memberIds.push(m.body.member.id);
    }
    const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '電子図書館サービス', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    caseId = created.body.case.id;
  }, 60_000);
  afterAll(() => world?.close());

  const participants = async () =>
    (await world.h.call('GET', `/api/cases/${caseId}/participants`, { token: t.secretariat })).body.participants as { memberId: string; participating: boolean; options: Record<string, boolean | number> }[];

  it('adds option rows without saving, and saves yes/no and quantity options with generated codes', async () => {
    const { browser, base, h } = world;
    const page = await browser.newPage();
    await loginAs(page, base, 'sec-e2ep@test.example', PASSWORD);
    await page.goto(`${base}/cases/${caseId}`);
    await page.getByLabel('1行目のオプション名').fill('遠隔バックアップ');
    await page.getByLabel('1行目の単価').fill('120,000');
    await page.getByLabel('2行目のオプション名').fill('追加利用者ID');
    await page.getByLabel('2行目の種類').selectOption({ label: '数量' });
    await page.getByLabel('2行目の単価').fill('１，０００');
    await page.getByLabel('3行目のオプション名').fill('操作研修');
    const url = page.url();
    // 「行を追加」 adds a fourth row in place: nothing is posted, nothing saved, what was typed stays
    await page.getByRole('button', { name: '行を追加' }).click();
    await expect.poll(() => page.getByLabel('4行目のオプション名').count()).toBe(1);
    expect(page.url()).toBe(url);
    expect(await page.getByLabel('4行目のオプション名').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('1行目のオプション名').inputValue()).toBe('遠隔バックアップ');
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: t.secretariat })).body.case.options).toEqual([]);
    await page.getByLabel('4行目のオプション名').fill('データ移行');
    // a refused save brings the error into view beside the form, with what was typed
    await page.getByLabel('4行目の単価').fill('5万');
    await page.getByRole('button', { name: 'オプションを保存' }).click();
    const error = page.getByRole('alert').filter({ hasText: '「データ移行」の単価は円単位の整数で入力してください' });
    await error.waitFor();
    expect(await error.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })).toBe(true);
    expect(await page.getByLabel('2行目の種類').inputValue()).toBe('quantity');
    await page.getByLabel('4行目の単価').fill('50000');
    await shoot(page, 'options-form', 'form[action$="#options-heading"]');
    await page.getByRole('button', { name: 'オプションを保存' }).click();
    await page.waitForURL(/done=options/);
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: t.secretariat })).body.case.options).toEqual([
      { code: 'opt-1', name: '遠隔バックアップ', kind: 'yesno', price: 120_000 },
      { code: 'opt-2', name: '追加利用者ID', kind: 'quantity', price: 1_000 },
      { code: 'opt-3', name: '操作研修', kind: 'yesno', price: null },
      { code: 'opt-4', name: 'データ移行', kind: 'yesno', price: 50_000 },
    ]);
    await h.call('PUT', `/api/cases/${caseId}/apportionment`, { token: t.secretariat, body: { method: 'equal', total: 1_000_000 } });
    await page.close();
  });

  it('declares participation for five bodies through the grid in one save', async () => {
    const { browser, base } = world;
    const page = await browser.newPage();
    await loginAs(page, base, 'sec-e2ep@test.example', PASSWORD);
    await page.goto(`${base}/cases/${caseId}`);
    await page.getByRole('link', { name: /一括入力/ }).click();
    await page.waitForURL(/participation\/bulk/);
    // a tick box for each yes/no option, a count for each quantity — never both
    expect(await page.getByRole('checkbox', { name: '北町の遠隔バックアップを利用する' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: '北町の追加利用者IDの数量' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: '北町の遠隔バックアップの数量' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: '北町の追加利用者IDを利用する' }).count()).toBe(0);
    let clicks = 0;
    for (const name of names) {
      await page.getByRole('checkbox', { name: `${name}が参加する` }).check();
      clicks++;
    }
    await page.getByRole('checkbox', { name: 'e2ep市の遠隔バックアップを利用する' }).check();
    await page.getByRole('textbox', { name: '南町の追加利用者IDの数量' }).fill('２０');
    await shoot(page, 'participation-grid');
    await page.getByRole('button', { name: 'まとめて保存' }).click();
    clicks++;
    await page.waitForURL(/saved=5/);
    expect(clicks).toBeLessThanOrEqual(6);
    expect(await page.getByText('5団体の参加・オプションを保存しました。').isVisible()).toBe(true);
    const list = await participants();
    expect(list.filter((p) => p.participating)).toHaveLength(5);
    expect(list.find((p) => p.memberId === memberIds[0])!.options).toMatchObject({ 'opt-1': true, 'opt-2': 0 });
    expect(list.find((p) => p.memberId === memberIds[3])!.options).toMatchObject({ 'opt-1': false, 'opt-2': 20 });
    // the form shows what was saved
    expect(await page.getByRole('checkbox', { name: 'e2ep市の遠隔バックアップを利用する' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: '南町の追加利用者IDの数量' }).inputValue()).toBe('20');
    await page.close();
  });

  it('charges nothing for an unticked box, and a quantity only by its count', async () => {
    const { browser, base, h } = world;
    const page = await browser.newPage();
    await loginAs(page, base, 'member-e2ep@test.example', PASSWORD);
    await page.goto(`${base}/cases/${caseId}/participation`);
    // the member's own form: yes/no options as tick boxes only, the quantity as a count only
    expect(await page.getByRole('checkbox', { name: '遠隔バックアップを利用する' }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: '遠隔バックアップの数量' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: '追加利用者IDを利用する' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: '遠隔バックアップを利用する' }).uncheck();
    await page.getByRole('textbox', { name: '追加利用者IDの数量' }).fill('3');
    await shoot(page, 'participation-form');
    await page.getByRole('button', { name: '申込み内容を保存' }).click();
    await page.waitForURL(/done=participation/);
    const shares = await h.call('GET', `/api/cases/${caseId}/apportionment`, { token: t.secretariat });
    const mine = shares.body.shares.find((s: { memberId: string }) => s.memberId === memberIds[0]);
    expect(mine.optionCharges).toBe(3_000);
    await page.close();
  });

  it('asks before a withdrawal erases options, and going back saves nothing', async () => {
    const { browser, base } = world;
    const page = await browser.newPage();
    await loginAs(page, base, 'member-e2ep@test.example', PASSWORD);
    await page.goto(`${base}/cases/${caseId}/participation`);
    await page.getByRole('checkbox', { name: 'この調達に参加する' }).uncheck();
    await page.getByRole('button', { name: '申込み内容を保存' }).click();
    await page.getByRole('heading', { name: '参加の取りやめの確認' }).waitFor();
    expect(await page.getByText('消去されるオプション: 追加利用者ID 3').isVisible()).toBe(true);
    await shoot(page, 'withdrawal-confirm');
    await page.getByRole('link', { name: /戻って見直す/ }).click();
    await page.waitForURL(/participation$/);
    expect((await participants()).find((p) => p.memberId === memberIds[0])).toMatchObject({ participating: true, options: { 'opt-2': 3 } });

    await page.getByRole('checkbox', { name: 'この調達に参加する' }).uncheck();
    await page.getByRole('button', { name: '申込み内容を保存' }).click();
    await page.getByRole('button', { name: '参加を取りやめる' }).click();
    await page.waitForURL(/done=participation/);
    expect((await participants()).find((p) => p.memberId === memberIds[0])).toMatchObject({ participating: false, options: {} });
    await page.close();
  });
});
