import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type Harness, createHarness, listen } from '../helpers/harness.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  if (process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but there is no Chromium at ${CHROMIUM}`);
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM} (CI installs the Debian package "chromium").`);
}

export interface BrowserWorld {
  h: Harness;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The real app on a real HTTP port and a headless Chromium to drive it. */
export async function startBrowserWorld(): Promise<BrowserWorld> {
  const h = await createHarness();
  const server = await listen(h);
  const base = server.base;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    h,
    base,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await h.close();
    },
  };
}

export async function loginAs(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/cases/);
}
