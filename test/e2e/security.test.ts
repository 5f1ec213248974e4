import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type Tenant, createTenant } from '../helpers/harness.ts';
import { type BrowserWorld, hasChromium, loginAs, startBrowserWorld } from './browser.ts';

/** A page on another origin that posts a form to the workbench as soon as it loads. */
function attackerPage(target: string, fields: Record<string, string>) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  return `<!doctype html><html><body><form id="f" method="post" action="${target}">${inputs}</form><script>document.getElementById('f').submit()</script></body></html>`;
}

describe.runIf(hasChromium)('browser security', () => {
  let world: BrowserWorld;
  let t: Tenant;
  let caseId: string;
  let attacker: Server;
  let attackerPort: number;
  let served = '';

  beforeAll(async () => {
    world = await startBrowserWorld();
    const { h } = world;
    h.deps.config.sessionIdleMs = 365 * 86_400_000;
    h.deps.config.sessionMaxMs = 400 * 86_400_000;
    t = await createTenant(h, 'e2es');
    const created = await h.call('POST', '/api/cases', { token: t.secretariat, body: { title: '防御の確認', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    caseId = created.body.case.id;
    await h.call('PUT', `/api/cases/${caseId}/participants/${t.memberIds[0]}`, { token: t.secretariat, body: { participating: true, options: {} } });
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(served);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => attacker?.close(resolve));
    await world?.close();
  });

  const participating = async () =>
    (await world.h.call('GET', `/api/cases/${caseId}/participants`, { token: t.secretariat })).body.participants.find((p: { memberId: string }) => p.memberId === t.memberIds[0]).participating;

  it('sets the session cookie HttpOnly and SameSite=Lax, and sends the security headers with every page', async () => {
    const { browser, base } = world;
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, base, 'member-e2es@test.example', PASSWORD);
    const [cookie] = await context.cookies(base);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const res = await page.goto(`${base}/cases/${caseId}`);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
    await context.close();
  });

  it('refuses a form posted from a page of another origin on the same site, with the session cookie sent', async () => {
    const { browser, base } = world;
    expect(await participating()).toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, base, 'member-e2es@test.example', PASSWORD);
    // the attacker's page is on 127.0.0.1 as well: same site, so SameSite=Lax still sends the cookie
    served = attackerPage(`${base}/cases/${caseId}/participation`, { participating: '' });
    const answer = page.waitForResponse((r) => r.url() === `${base}/cases/${caseId}/participation` && r.request().method() === 'POST');
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    const refused = await answer;
    expect(refused.status()).toBe(403);
    expect(await refused.request().headerValue('cookie')).toMatch(/=/);
    expect(await participating()).toBe(true);

    // the same form from the workbench's own page goes through
    await page.goto(`${base}/cases/${caseId}/participation`);
    await page.getByRole('checkbox', { name: /参加する/ }).uncheck();
    await page.getByRole('button', { name: /保存/ }).click();
    await page.waitForURL(/participation|cases/);
    expect(await participating()).toBe(false);
    await context.close();
  });

  it('sends no session with a form posted from another site', async () => {
    const { browser, base } = world;
    await world.h.call('PUT', `/api/cases/${caseId}/participants/${t.memberIds[0]}`, { token: t.secretariat, body: { participating: true, options: {} } });
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, base, 'member-e2es@test.example', PASSWORD);
    served = attackerPage(`${base}/cases/${caseId}/participation`, { participating: '' });
    const answer = page.waitForResponse((r) => r.url() === `${base}/cases/${caseId}/participation` && r.request().method() === 'POST');
    // localhost is another site than 127.0.0.1: the browser leaves the Lax cookie out
    await page.goto(`http://localhost:${attackerPort}/`);
    const refused = await answer;
    expect(refused.status()).toBeGreaterThanOrEqual(300);
    expect(await refused.request().headerValue('cookie')).toBeNull();
    expect(await participating()).toBe(true);
    await context.close();
  });
});
