import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

/** The app on the harness's database, logging into `lines` (one parsed JSON object per line). */
function observedApp(h: Harness, overrides: Partial<Harness['deps']> = {}) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  // its own metrics: the harness's app counts the requests made through it
  const { metrics: _shared, ...deps } = h.deps;
  const app = createApp({ ...deps, logger: createLogger('info', sink), ...overrides });
  return { app, lines };
}

let h: Harness;
let a: Tenant;
let caseId: string;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'ob');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '観測の確認', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
  caseId = created.body.case.id;
});
afterAll(() => h.close());

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the request id', () => {
  it('is on every answer: a page, an API answer, a refusal and an unknown address', async () => {
    for (const [path, status] of [['/login', 200], [`/api/cases/${caseId}`, 401], ['/api/nothing-here', 404], ['/no-such-page', 404]] as const) {
      const res = await h.call('GET', path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('x-request-id'), path).toMatch(uuid);
    }
  });

  it('echoes an id the caller (a proxy) sends, and replaces one that is not a plain token', async () => {
    expect((await h.call('GET', '/login', { headers: { 'x-request-id': 'lb-7f3a-0001' } })).headers.get('x-request-id')).toBe('lb-7f3a-0001');
    const forged = await h.call('GET', '/login', { headers: { 'x-request-id': 'a b"><script>' } });
    expect(forged.headers.get('x-request-id')).toMatch(uuid);
  });

  it('is in the body of a server error and on its page, with the same id in the log', async () => {
    const broken = observedApp(h, { clock: { now: () => { throw new Error('clock unavailable'); } } });
    const res = await broken.app.request(`/api/cases/${caseId}`, { headers: { authorization: `Bearer ${a.secretariat}` } });
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(uuid);
    const body = (await res.json()) as { error: { code: string; requestId?: string } };
    expect(body.error).toMatchObject({ code: 'internal', requestId: id });
    const failure = broken.lines.find((l) => l.msg === 'request failed');
    expect(failure).toMatchObject({ level: 'error', reqId: id, route: '/api/cases/:id' });
    expect(JSON.stringify(failure)).toContain('clock unavailable');

    const page = await broken.app.request('/cases', { headers: { cookie: await h.cookieFor('sec-ob@test.example') } });
    expect(page.status).toBe(500);
    expect(await page.text()).toContain(`<code>${page.headers.get('x-request-id')}</code>`);
  });

  it('is not in the body of a refusal the caller can mend', async () => {
    const res = await h.call('GET', `/api/cases/${caseId}`);
    expect(res.status).toBe(401);
    expect(res.body.error.requestId).toBeUndefined();
  });
});

describe('the log', () => {
  it('writes one JSON line per request with its id, route pattern, status, time and account, never the address', async () => {
    const { app, lines } = observedApp(h);
    const res = await app.request(`/api/cases/${caseId}`, { headers: { authorization: `Bearer ${a.secretariat}` } });
    expect(res.status).toBe(200);
    const line = lines.find((l) => l.msg === 'request')!;
    expect(line).toMatchObject({ level: 'info', service: 'kyodo-chotatsu', reqId: res.headers.get('x-request-id'), method: 'GET', route: '/api/cases/:id', status: 200 });
    expect(typeof line.ms).toBe('number');
    expect(typeof line.user).toBe('string');
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
    expect(JSON.stringify(lines)).not.toContain(caseId);
  });
});

describe('GET /metrics', () => {
  it('reports requests by route pattern and status, latency, the pool, the outbox and the renderer in the Prometheus format', async () => {
    const { app } = observedApp(h);
    for (let i = 0; i < 3; i++) await app.request(`/api/cases/${caseId}`, { headers: { authorization: `Bearer ${a.secretariat}` } });
    await app.request('/api/nothing-here');
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('http_requests_total{method="GET",route="/api/cases/:id",status="200"} 3');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/cases\/:id"\} 3/);
    expect(text).toMatch(/db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/mail_outbox_pending \d+/);
    expect(text).toMatch(/renderer_queue\{state="pending"\} \d+/);
    expect(text).not.toContain(caseId);
  });

  it('answers only a request bearing METRICS_TOKEN when one is set', async () => {
    const token = 'metrics-token-0123456789';
    const { app } = observedApp(h, { config: { ...h.deps.config, metricsToken: token } });
    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
