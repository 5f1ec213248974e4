import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type Tenant, createTenant } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

const shots = process.env.SCREENSHOT_DIR;

describe.runIf(hasChromium)('the secretariat publishes a case in the browser', () => {
  let world: BrowserWorld;
  let t: Tenant;
  let caseId: string;
  let rfiCaseId: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    t = await createTenant(h, 'e2ep');
    // a case whose RFI deadline was typed in both places: one date stands
    rfiCaseId = (await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '文書管理システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, rfiDeadline: '2026-04-12T17:00:00.000+09:00' } })).body.case.id;
    await h.call('PUT', `/api/cases/${rfiCaseId}/rfi`, { token: t.secretariat, body: { deadline: '2026-04-10T17:00:00.000+09:00', questions: [{ code: 'summary', text: '製品の概要', kind: 'text' }] } });
    await h.call('POST', `/api/cases/${rfiCaseId}/transition`, { token: t.secretariat, body: { to: 'rfi' } });
  }, 60_000);
  afterAll(() => world?.close());

  it('creates a case with its deadline and options, shows the checklist, requires the confirmation, refuses without a spec naming it, and publishes with one', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await loginAs(page, world.base, 'sec-e2ep@test.example', PASSWORD);
    // the case, its deadline and its options, each through its form
    await page.goto(`${world.base}/cases`);
    await page.getByLabel('件名').fill('AI議事録作成システム');
    await page.getByLabel('調達方式').selectOption({ label: '公募型プロポーザル' });
    await page.getByRole('button', { name: '作成する' }).click();
    await page.waitForURL(/done=created/);
    caseId = new URL(page.url()).pathname.split('/')[2]!;
    await page.getByLabel('提出期限').fill('2026-06-30T17:00');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.waitForURL(/done=edit/);
    await page.getByLabel('1行目のオプション名').fill('追加利用者ID');
    await page.getByLabel('1行目の種類').selectOption({ label: '数量' });
    await page.getByLabel('1行目の単価').fill('24,000');
    await page.getByRole('button', { name: 'オプションを保存' }).click();
    await page.waitForURL(/done=options/);
    const stored = (await world.h.call('GET', `/api/cases/${caseId}`, { token: t.secretariat })).body.case;
    expect(stored).toMatchObject({ title: 'AI議事録作成システム', method: 'proposal', state: 'draft', submissionDeadline: '2026-06-30T08:00:00.000Z' });
    expect(stored.options).toEqual([{ code: 'opt-1', name: '追加利用者ID', kind: 'quantity', price: 24_000 }]);
    // a draft may be published as an RFI or as the notice: this is the notice's form
    const notice = page.locator('form.publish-form', { has: page.locator('#checklist-open') });
    const checklist = notice;
    expect(await checklist.getByText(/仕様書 — 仕様書がありません/).isVisible()).toBe(true);
    expect(await checklist.getByText(/評価基準 — 評価基準が未設定です/).isVisible()).toBe(true);
    if (shots) await page.screenshot({ path: `${shots}/publish-checklist-1280.png`, fullPage: true });

    // the button does nothing until the tick is given
    const before = page.url();
    await page.getByRole('button', { name: '公告する（受付を開始する）' }).click();
    expect(page.url()).toBe(before);
    expect(await notice.getByLabel('公表します（取り消せません）').evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);

    // ticked, without a spec: refused, naming what is missing
    await notice.getByLabel('公表します（取り消せません）').check();
    await page.getByRole('button', { name: '公告する（受付を開始する）' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('公表できません。仕様書がありません。');
    expect((await world.h.call('GET', `/api/cases/${caseId}`, { token: t.secretariat })).body.case.state).toBe('draft');

    // the spec, written on its page
    await page.goto(`${world.base}/cases/${caseId}/spec`);
    await page.getByLabel('見出し').first().fill('業務概要');
    await page.getByLabel('本文').first().fill('会議の音声から議事録を作成する。');
    await page.getByLabel('1行目の番号').fill('F-01');
    await page.getByLabel('1行目の要件').fill('話者を識別できること');
    await page.getByRole('button', { name: '新しい版として保存' }).click();
    await page.waitForURL(/done=saved/);

    await page.goto(`${world.base}/cases/${caseId}`);
    expect(await notice.getByText('仕様書 第1版').isVisible()).toBe(true);
    await notice.getByLabel('公表します（取り消せません）').check();
    await page.getByRole('button', { name: '公告する（受付を開始する）' }).click();
    await page.waitForURL(/done=transition/);
    expect(await page.getByText('案件の状態を変更しました。').isVisible()).toBe(true);
    expect((await world.h.call('GET', `/api/cases/${caseId}`, { token: t.secretariat })).body.case.state).toBe('open');
    await page.close();
  }, 90_000);

  it('shows a vendor one RFI deadline, and the spec with its requirements', async () => {
    const page = await world.browser.newPage({ viewport: { width: 390, height: 844 } });
    await loginAs(page, world.base, 'vendor-e2ep@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${rfiCaseId}`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toMatch(/4月10日|4\/10/);
    expect(main).not.toMatch(/4月12日|4\/12/);
    if (shots) await page.screenshot({ path: `${shots}/vendor-rfi-390.png`, fullPage: true });

    await page.goto(`${world.base}/cases/${caseId}`);
    await page.getByRole('link', { name: '仕様書を見る' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('仕様書（第1版）');
    expect(await page.getByRole('table', { name: /機能要件/ }).getByText('F-01').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'PDF' }).or(page.getByRole('link', { name: '仕様書をPDFでダウンロード' })).count()).toBeGreaterThan(0);
    // no page wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  }, 60_000);

  it('compares two versions of the spec', async () => {
    await world.h.call('PUT', `/api/cases/${caseId}/spec`, {
      token: t.secretariat,
      body: {
        sections: [{ heading: '業務概要', body: '会議の音声から議事録を作成する。\n方言にも対応する。' }, { heading: '研修', body: '職員向けに2回行う。' }],
        requirements: [{ code: 'F-01', text: '話者を識別できること', level: 'must' }, { code: 'F-02', text: '要約できること', level: 'want' }],
        reason: '研修と要約の要件を加えます。',
      },
    });
    for (const width of [1280, 390]) {
      const page = await world.browser.newPage({ viewport: { width, height: 900 } });
      await loginAs(page, world.base, 'member-e2ep@test.example', PASSWORD);
      await page.goto(`${world.base}/cases/${caseId}/spec`);
      await page.getByRole('link', { name: '第1版', exact: true }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('仕様書 第1版');
      await page.getByLabel('比較元の版').selectOption('1');
      await page.getByLabel('比較先の版').selectOption('2');
      await page.getByRole('button', { name: '版を比較する' }).click();
      await page.waitForURL(/spec\/diff\?from=1&to=2/);
      expect(await page.getByRole('heading', { name: '追加 研修' }).isVisible()).toBe(true);
      expect(await page.getByText('＋ 方言にも対応する。').isVisible()).toBe(true);
      expect(await page.getByRole('table', { name: /機能要件の変更/ }).getByText('F-02').isVisible()).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      if (shots) await page.screenshot({ path: `${shots}/spec-diff-${width}.png`, fullPage: true });
      await page.close();
    }
  }, 90_000);
});
