import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type Tenant, createTenant, putSpec } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

describe.runIf(hasChromium)('forms in the browser', () => {
  let world: BrowserWorld;
  let t: Tenant;
  let caseId: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    t = await createTenant(h, 'e2ef');
    const created = await h.call('POST', '/api/cases', {
      token: t.secretariat,
      body: { title: '入力フォームの確認', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-04-30T17:00:00.000+09:00' },
    });
    caseId = created.body.case.id;
    await putSpec(h, t.secretariat, caseId);
    expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } })).status).toBe(200);
  }, 60_000);
  afterAll(() => world?.close());

  it('shows a refused save deep in a page where the user is, then takes full-width digits', async () => {
    for (const width of [1280, 390]) {
      const page = await world.browser.newPage({ viewport: { width, height: 800 } });
      await loginAs(page, world.base, 'sec-e2ef@test.example', PASSWORD);
      await page.goto(`${world.base}/cases/${caseId}`);
      await page.getByLabel('按分方法', { exact: true }).selectOption('equal');
      await page.getByLabel('按分する総額（円・税抜）').fill('十二万');
      await page.getByRole('button', { name: '按分方法を保存' }).click();
      const error = page.locator('p.error[role=alert]');
      await error.waitFor();
      // the summary has the focus and is on screen, though the form is far down the page
      await expect
        .poll(() => page.evaluate(() => ({ text: document.activeElement?.textContent, role: document.activeElement?.getAttribute('role') })))
        .toEqual({ text: '総額は数字で入力してください', role: 'alert' });
      await expect.poll(() => error.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
      expect(await error.evaluate((el) => el.getBoundingClientRect().bottom)).toBeLessThanOrEqual(800);
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
      // the field itself is marked and says what is expected
      const total = page.getByLabel('按分する総額（円・税抜）');
      expect(await total.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#ap-total-error').isVisible()).toBe(true);

      await total.fill('１２０,０００円');
      await page.getByRole('button', { name: '按分方法を保存' }).click();
      await page.waitForURL(/done=apportionment/);
      expect(await page.getByLabel('按分する総額（円・税抜）').inputValue()).toBe('120000');
      await page.close();
    }
  }, 90_000);

  it('does not import a CSV again when the page shown after the import is reloaded', async () => {
    const { h } = world;
    const count = async () => (await h.call('GET', '/api/members', { token: t.secretariat })).body.members.length;
    const before = await count();
    const page = await world.browser.newPage();
    await loginAs(page, world.base, 'sec-e2ef@test.example', PASSWORD);
    await page.goto(`${world.base}/members`);
    await page.getByLabel('CSVファイル').setInputFiles({ name: '団体.csv', mimeType: 'text/csv', buffer: Buffer.from('団体名,区分,人口\r\n新しい町,町,8000\r\n') });
    await page.getByRole('button', { name: '取り込む' }).click();
    await page.waitForURL(/imported=1/);
    expect(await page.locator('.error').allTextContents()).toEqual([]);
    expect(await page.getByText('取り込みました（新規 1 団体、更新 0 団体）').isVisible()).toBe(true);
    expect(await count()).toBe(before + 1);
    await page.reload();
    await page.goBack();
    await page.goForward();
    expect(await count()).toBe(before + 1);
    await page.close();
  }, 60_000);

  it('does not show a sent form filled in again on Back, where sending it again would post twice', async () => {
    await world.h.call('PATCH', `/api/cases/${caseId}`, { token: t.secretariat, body: { questionDeadline: '2026-12-31T17:00:00.000+09:00', reason: '質問受付期限を設定' } });
    const page = await world.browser.newPage();
    await loginAs(page, world.base, 'vendor-e2ef@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${caseId}/questions`);
    await page.getByLabel('質問', { exact: true }).fill('仕様書の第3章について');
    await page.getByRole('button', { name: '質問を提出する' }).click();
    await page.waitForURL(/done=asked/);
    await page.goBack();
    await page.waitForLoadState('load');
    expect(await page.getByLabel('質問', { exact: true }).inputValue()).toBe('');
    await page.close();
  }, 60_000);

  it('resets the upload widget after a refused file, and a disabled button looks disabled', async () => {
    const page = await world.browser.newPage();
    await loginAs(page, world.base, 'vendor-e2ef@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${caseId}/submit`);
    const button = page.getByRole('button', { name: '送信する' });
    const file = page.getByLabel(/ファイル（PDF/);
    const bar = page.locator('#upload-progress');
    const status = page.locator('#upload-status');

    await file.setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.alloc(64 * 1024, 1) });
    await button.click();
    await expect.poll(() => status.getAttribute('class')).toBe('error');
    // the refusal leaves no full bar behind and the button usable
    expect(await bar.isVisible()).toBe(false);
    expect(await button.isDisabled()).toBe(false);

    // a new file clears the red box before anything is sent
    await file.setInputFiles({ name: '提案書.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n提案書\n%%EOF\n') });
    expect(await status.getAttribute('class')).toBe('');
    expect(await status.textContent()).toBe('');

    // while disabled the button looks so (not the blue of a usable one)
    const enabledLook = await button.evaluate((el) => getComputedStyle(el).backgroundColor);
    const disabledLook = await button.evaluate((el) => {
      (el as HTMLButtonElement).disabled = true;
      const look = getComputedStyle(el).backgroundColor + getComputedStyle(el).cursor;
      (el as HTMLButtonElement).disabled = false;
      return look;
    });
    expect(disabledLook).not.toContain(enabledLook);
    expect(disabledLook).toContain('not-allowed');

    await button.click();
    await page.waitForURL(/done=file/, { timeout: 30_000 });
    expect(await page.getByText('ファイルを受け付けました').isVisible()).toBe(true);
    await page.close();
  }, 60_000);
  it('adds criteria and requirement rows in place after a refused save, the refused row still marked and the new row not', async () => {
    const { h } = world;
    const page = await world.browser.newPage();
    await loginAs(page, world.base, 'sec-e2ef@test.example', PASSWORD);
    await page.goto(`${world.base}/cases/${caseId}/evaluation`);
    for (const n of [1, 2, 3]) await page.getByLabel(`${n}行目の項目名`).fill(`項目${n}`);
    await page.getByLabel('3行目の配点').fill('多め');
    await page.getByLabel('変更理由（必須）').fill('評価基準を定めます。');
    await page.getByRole('button', { name: '評価基準を保存' }).click();
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByLabel('3行目の配点').getAttribute('aria-invalid')).toBe('true');
    const url = page.url();
    await page.getByRole('button', { name: '行を追加' }).click();
    const added = page.getByLabel('7行目の配点');
    await expect.poll(() => added.count()).toBe(1);
    expect(page.url()).toBe(url);
    expect(await added.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#criteria-rows tr:last-child .field-error').count()).toBe(0);
    expect(await page.getByLabel('3行目の配点').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('3行目の配点').inputValue()).toBe('多め');
    expect(await page.getByLabel('7行目のコード').evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation`, { token: t.secretariat })).status).toBe(404);

    await page.goto(`${world.base}/cases/${caseId}/spec`);
    await page.getByLabel('1行目の要件').fill('帳票を出力できること');
    await page.getByRole('button', { name: '行を追加' }).click();
    await expect.poll(() => page.getByLabel('4行目の要件').count()).toBe(1);
    expect(await page.getByLabel('1行目の要件').inputValue()).toBe('帳票を出力できること');
    await page.close();
  }, 60_000);
});
