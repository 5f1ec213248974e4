import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserWorld, hasChromium, startBrowserWorld } from './browser.ts';
import { type PagesWorld, buildPagesWorld } from './pages-world.ts';

/**
 * The screenshots README's 「画面」 section shows, taken from the real app: each main page at 1280 px and
 * the public list at 390 px, viewport-sized. They are written to docs/screenshots when UPDATE_SCREENSHOTS
 * is set (`UPDATE_SCREENSHOTS=1 npx vitest run test/e2e/screenshots.test.ts`), to a scratch folder otherwise.
 */
const update = Boolean(process.env.UPDATE_SCREENSHOTS);
const dir = update ? resolve(import.meta.dirname, '../../docs/screenshots') : mkdtempSync(join(tmpdir(), 'wb-shots-'));

type Role = 'anonymous' | 'secretariat' | 'member' | 'evaluator' | 'vendor';
interface Shot {
  file: string;
  role: Role;
  path: (w: PagesWorld) => string;
  width: number;
  /** what the page must show, so a screenshot of an error page cannot pass */
  heading: RegExp;
}

const shots: Shot[] = [
  { file: 'cases.png', role: 'secretariat', path: () => '/cases', width: 1280, heading: /調達案件/ },
  { file: 'case.png', role: 'secretariat', path: (w) => `/cases/${w.cases.evaluation}`, width: 1280, heading: /基幹業務システムの共同調達/ },
  { file: 'participation.png', role: 'member', path: (w) => `/cases/${w.cases.evaluation}/participation`, width: 1280, heading: /参加・オプションの申込み/ },
  { file: 'scoring-sheet.png', role: 'evaluator', path: (w) => `/cases/${w.cases.evaluation}/evaluate/${w.refs[1]}`, width: 1280, heading: /採点票/ },
  { file: 'bid.png', role: 'vendor', path: (w) => `/cases/${w.cases.rebid}/bid`, width: 1280, heading: /入札/ },
  { file: 'public.png', role: 'anonymous', path: () => '/public', width: 1280, heading: /公開中の調達案件/ },
  { file: 'public-390.png', role: 'anonymous', path: () => '/public', width: 390, heading: /公開中の調達案件/ },
];

describe.runIf(hasChromium)("the README's screenshots", () => {
  let world: BrowserWorld;
  let w: PagesWorld;
  const cookies = {} as Record<Role, string | undefined>;

  beforeAll(async () => {
    world = await startBrowserWorld();
    w = await buildPagesWorld(world.h, 'sc');
    for (const role of ['secretariat', 'member', 'evaluator', 'vendor'] as const) cookies[role] = await world.h.cookieFor(w.emails[role]);
    mkdirSync(dir, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    if (!update) rmSync(dir, { recursive: true, force: true });
  });

  it('captures each main page, viewport-sized', async () => {
    for (const shot of shots) {
      const context = await world.browser.newContext({ viewport: { width: shot.width, height: shot.width === 390 ? 844 : 800 }, deviceScaleFactor: 1 });
      const cookie = cookies[shot.role];
      if (cookie) {
        const [name, value] = cookie.split('=') as [string, string];
        await context.addCookies([{ name, value, url: world.base }]);
      }
      const page = await context.newPage();
      const res = await page.goto(`${world.base}${shot.path(w)}`);
      expect(res?.status(), shot.file).toBe(200);
      expect(await page.locator('h1').first().textContent(), shot.file).toMatch(shot.heading);
      const file = join(dir, shot.file);
      await page.screenshot({ path: file });
      const png = readFileSync(file);
      // a PNG of the viewport: its width and height are in the IHDR chunk
      expect(png.readUInt32BE(16), shot.file).toBe(shot.width);
      expect(png.readUInt32BE(20), shot.file).toBeLessThanOrEqual(844);
      await context.close();
    }
  }, 120_000);
});
