import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, createTenant, putSpec } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

describe.runIf(hasChromium)('a vendor in the browser', () => {
  let world: BrowserWorld;
  let caseId: string;

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    const t = await createTenant(h, 'e2ev');
    const created = await h.call('POST', '/api/cases', {
      token: t.secretariat,
      body: { title: 'AI議事録作成システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-04-30T17:00:00.000+09:00' },
    });
    caseId = created.body.case.id;
    await putSpec(h, t.secretariat, caseId);
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: t.secretariat, body: { to: 'open' } });
  }, 60_000);
  afterAll(() => world?.close());

  it('uploads a 20 MB proposal watching the progress bar and gets its receipt', async () => {
    const page = await world.browser.newPage();
    await loginAs(page, world.base, 'vendor-e2ev@test.example', PASSWORD);
    await page.getByRole('link', { name: 'AI議事録作成システム' }).click();
    await page.getByRole('link', { name: /提案書を提出する/ }).click();

    const content = Buffer.alloc(20 * 1024 * 1024, 7);
    content.write('%PDF-1.7\n');
    const digest = createHash('sha256').update(content).digest('hex');
    await page.getByLabel(/ファイル（PDF/).setInputFiles({ name: '技術提案書.pdf', mimeType: 'application/pdf', buffer: content });
    // a slow office line: 8 MB/s up, so the upload takes a few seconds
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 8 * 1024 * 1024 });
    await page.getByRole('button', { name: '送信する' }).click();
    // the progress bar moves and says how far the upload is, then the page lists the receipt
    await expect.poll(async () => Number(await page.locator('#upload-progress').getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('#upload-progress').isVisible()).toBe(true);
    expect(await page.locator('#upload-status').textContent()).toMatch(/\d+%（[\d.]+ MB \/ 20\.0 MB/);
    await page.waitForURL(/done=file/, { timeout: 60_000 });
    await expect.poll(() => page.locator('code.hash').first().textContent()).toBe(digest);
    expect(await page.getByText('ファイルを受け付けました').isVisible()).toBe(true);
    await page.getByRole('link', { name: '受付票' }).first().click();
    expect(await page.getByText(digest).count()).toBe(1);
    await page.close();
  }, 90_000);
});
