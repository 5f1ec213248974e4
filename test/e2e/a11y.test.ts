import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Deps } from '../../src/context.ts';
import { OPERATOR } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, startBrowserWorld } from './browser.ts';
import { type PagesWorld, buildPagesWorld } from './pages-world.ts';

/**
 * Every page of the app, as every role sees it, scanned by axe-core in Chromium against WCAG 2.x A/AA
 * (what JIS X 8341-3 AA asks of public bodies) and laid out at 390 px. The pages are the app's own GET
 * routes: a page that no role reaches with the world below fails, so a new page cannot be left out.
 */

const axePath = createRequire(import.meta.url).resolve('axe-core');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const roles = ['anonymous', 'operator', 'secretariat', 'member', 'evaluator', 'vendor'] as const;
type Role = (typeof roles)[number];

/** The GET routes outside the API; those that answer no HTML to anyone (assets, probes, feeds) are not pages. */
const getRoutes = [...new Set(createApp({} as Deps).routes.filter((r) => r.method === 'GET' && !r.path.startsWith('/api/')).map((r) => r.path))];
/** Pages whose look depends on the state of the case: scanned on every case that shows them, not just the first. */
const everyState = new Set(['/cases/:id', '/cases/:id/bid', '/cases/:id/bidding', '/public/cases/:id']);

/** The concrete paths a route can be visited at in the world, or why none. */
function pathsOf(route: string, w: PagesWorld): string[] | string {
  let paths = [route];
  const caseIds = Object.values(w.cases);
  for (const segment of route.split('/').filter((s) => s.startsWith(':'))) {
    const name = segment.slice(1).replace(/\{.*$/, '');
    let values: string[];
    if (name === 'id' && /^\/(public\/)?cases\//.test(route)) values = caseIds;
    else if (name === 'id' && route.startsWith('/surveys/')) values = [w.surveyId];
    else if (name === 'id' && route.startsWith('/users/')) values = [w.userId];
    else if (name === 'version') values = ['1'];
    else if (name === 'ref') values = w.refs;
    else if (name === 'fiscalYear') values = ['2026'];
    else if (name === 'name' && route.startsWith('/assets/')) values = ['app.css'];
    else return `no value for ${segment} in ${route}: add one to pathsOf`;
    paths = paths.flatMap((p) => values.map((v) => p.replace(segment, v)));
  }
  return paths;
}

interface Visit {
  route: string;
  role: Role;
  path: string;
}

describe.runIf(hasChromium)('every page, for every role', () => {
  let world: BrowserWorld;
  let w: PagesWorld;
  const cookies = {} as Record<Role, string | undefined>;
  const contexts = {} as Record<Role, BrowserContext>;
  const visits: Visit[] = [];
  /** routes some role reaches (a page, or a redirect to one) */
  const reached = new Set<string>();
  /** routes that answer HTML to someone: the pages */
  const pages = new Set<string>();
  const unfillable: string[] = [];

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h, base, browser } = world;
    w = await buildPagesWorld(h, 'ax');
    cookies.anonymous = undefined;
    cookies.operator = await h.cookieFor(OPERATOR.email, OPERATOR.password);
    for (const role of ['secretariat', 'member', 'evaluator', 'vendor'] as const) cookies[role] = await h.cookieFor(w.emails[role]);

    // which role sees which page: asked of the app in-process, before the browser loads any
    for (const route of getRoutes) {
      const paths = pathsOf(route, w);
      if (typeof paths === 'string') {
        unfillable.push(paths);
        continue;
      }
      for (const role of roles) {
        for (const path of paths) {
          const cookie = cookies[role];
          const res = await h.call('GET', path, { headers: cookie ? { cookie } : {} });
          const html = (res.headers.get('content-type') ?? '').includes('text/html');
          if (html) pages.add(route);
          const location = res.headers.get('location') ?? '';
          if (res.status >= 300 && res.status < 400 && location && !location.startsWith('/login')) {
            pages.add(route);
            reached.add(route);
            break;
          }
          // a download (the audit trail's CSV) is reached, but is no page to scan
          if (res.status === 200 && !html) {
            reached.add(route);
            break;
          }
          if (res.status !== 200 || !html) continue;
          reached.add(route);
          visits.push({ route, role, path });
          if (!everyState.has(route)) break;
        }
      }
    }

    for (const role of roles) {
      contexts[role] = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const cookie = cookies[role];
      if (cookie) {
        const [name, value] = cookie.split('=') as [string, string];
        await contexts[role].addCookies([{ name, value, url: base }]);
      }
    }
  }, 180_000);
  afterAll(() => world?.close());

  it('knows every page route and reaches each as some role', () => {
    expect(unfillable).toEqual([]);
    expect(pages.size).toBeGreaterThan(20);
    expect([...pages].filter((route) => !reached.has(route))).toEqual([]);
  });

  /** axe's serious and critical findings on the page, one line per element. */
  async function scan(page: Page, where: string): Promise<string[]> {
    await page.addScriptTag({ path: axePath });
    const violations = await page.evaluate(async (tags) => {
      const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return (result.violations as any[]).map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: (v.nodes as any[]).map((n) => `${n.target.join(' ')} ${String(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200)}`) }));
    }, WCAG);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.slice(0, 5).map((node) => `${where}: [${v.impact}] ${v.id} (${v.help}) at ${node}`));
  }

  it('the main tasks at 390 px with the keyboard alone: Tab reaches every control of the page, each with a visible focus ring', async () => {
    const tasks: [Role, string][] = [
      ['anonymous', '/register'],
      ['anonymous', '/public'],
      ['secretariat', '/cases'],
      ['member', `/cases/${w.cases.evaluation}/participation`],
      ['evaluator', `/cases/${w.cases.evaluation}/evaluate/${w.refs[1]}`],
      ['vendor', `/cases/${w.cases.open}/submit`],
      ['vendor', `/cases/${w.cases.rebid}/bid`],
    ];
    const failures: string[] = [];
    for (const [role, path] of tasks) {
      const where = `${role} ${path}`;
      const page = await contexts[role].newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${world.base}${path}`);
      // every control a pointer could use in the page's body, numbered
      const controls = await page.evaluate(() => {
        const all = [...document.querySelectorAll<HTMLElement>('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary')];
        const usable = all.filter((e) => !(e as HTMLButtonElement).disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('details:not([open]) > :not(summary)'));
        usable.forEach((e, i) => e.setAttribute('data-kb', String(i)));
        return usable.map((e) => `${e.tagName.toLowerCase()} ${(e.textContent || e.getAttribute('name') || e.id).trim().slice(0, 30)}`);
      });
      expect(controls.length, where).toBeGreaterThan(0);
      const reachedControls = new Set<number>();
      let first: string | null = null;
      for (let i = 0; i < controls.length + 30 && reachedControls.size < controls.length; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const e = document.activeElement as HTMLElement | null;
          if (!e || e === document.body) return null;
          const style = getComputedStyle(e);
          return { kb: e.getAttribute('data-kb'), text: (e.textContent ?? '').trim(), ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none' };
        });
        if (!focused) continue;
        first ??= focused.text;
        if (!focused.ring) failures.push(`${where}: no visible focus ring on ${focused.text.slice(0, 30) || 'a control'}`);
        if (focused.kb !== null) reachedControls.add(Number(focused.kb));
      }
      if (first !== '本文へ移動') failures.push(`${where}: the first Tab lands on ${first}, not the skip link`);
      const missed = controls.filter((_, i) => !reachedControls.has(i));
      if (missed.length > 0) failures.push(`${where}: Tab never reaches ${missed.join(', ')}`);
      await page.close();
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it.each(roles)('as %s: no serious or critical axe violation, and nothing scrolls sideways at 390 px', async (role) => {
    const mine = visits.filter((v) => v.role === role);
    if (role !== 'operator') expect(mine.length).toBeGreaterThan(0);
    const page = await contexts[role].newPage();
    const failures: string[] = [];
    for (const { path } of mine) {
      const where = `${role} ${path}`;
      const res = await page.goto(`${world.base}${path}`);
      expect(res?.status(), where).toBe(200);
      await page.setViewportSize({ width: 1280, height: 900 });
      failures.push(...(await scan(page, where)));
      await page.setViewportSize({ width: 390, height: 844 });
      const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
      if (width > 390) {
        const culprits = await page.evaluate(() =>
          [...document.querySelectorAll('main *, header *')]
            .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap'))
            .slice(0, 3)
            .map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''}`),
        );
        failures.push(`${where}: the page is ${width} px wide at 390 px (${culprits.join(', ')})`);
      }
    }
    await page.close();
    expect(failures).toEqual([]);
  }, 240_000);
});
