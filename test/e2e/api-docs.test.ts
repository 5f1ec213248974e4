import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, hasChromium, startBrowserWorld } from './browser.ts';

/**
 * The API reference page in a real browser: it renders the app's OpenAPI document under the app's own
 * Content-Security-Policy, and asks nothing of any other host (the service runs on closed networks).
 */
describe.runIf(hasChromium)('API reference page', () => {
  let world: BrowserWorld;

  beforeAll(async () => {
    world = await startBrowserWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('shows every group of the API, tries a public call, and breaks no policy nor leaves the app', async () => {
    const { browser, base } = world;
    const page = await browser.newPage();
    const outside: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    // every navigation below reports here, so nothing is lost when the page is left
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      const report = (window as unknown as { reportViolation: (v: string) => void }).reportViolation;
      document.addEventListener('securitypolicyviolation', (e) => report(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
    });

    await page.goto(`${base}/api/docs`);
    expect(await page.title()).toMatch(/API リファレンス/);
    await page.getByRole('heading', { name: /共同調達 選定ワークベンチ API/ }).waitFor();
    for (const tag of ['認証', '調達案件', '入札', '公開情報']) await page.locator('.opblock-tag', { hasText: tag }).first().waitFor();

    // a public GET, tried from the page: the answer comes from the app
    await page.goto('about:blank');
    await page.goto(`${base}/api/docs#/${encodeURIComponent('公開情報')}/getApiPublicCases`);
    const operation = page.locator('#operations-公開情報-getApiPublicCases');
    await operation.locator('.opblock-body').waitFor();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    await operation.locator('.live-responses-table .response-col_status', { hasText: '200' }).first().waitFor();
    expect(await operation.locator('.live-responses-table').innerText()).toContain('"cases"');

    // a request body schema, as the service's schema gives it
    await page.goto('about:blank');
    await page.goto(`${base}/api/docs#/${encodeURIComponent('調達案件')}/postApiCases`);
    const create = page.locator('#operations-調達案件-postApiCases');
    await create.locator('.opblock-body').waitFor();
    expect(await create.innerText()).toContain('contractMode');

    expect(violations).toEqual([]);
    // the probe: an inline style the policy refuses is reported, so the silence above means something
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p style="color: red">probe</p>'));
    await expect.poll(() => violations.length).toBe(1);
    expect(violations[0]).toMatch(/^style-src/);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });
});
