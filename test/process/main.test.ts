import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccounts } from '../../src/demo/accounts.ts';
import { connect, databaseUrl } from '../helpers/postgres.ts';
import { streamedPdfUpload } from '../helpers/multipart.ts';
import { freePort, startServer, waitForOutput } from '../helpers/process.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wb-main-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function login(base: string, email: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: demoAccounts.password }),
  });
  return { status: res.status, body: (await res.json()) as { token: string } };
}

describe('the server process', () => {
  it('stops at start with one line naming a bad variable', async () => {
    const started = startServer({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe('設定エラー: PORT: 1〜65535 の整数を指定してください (値: "eighty")');
  });

  it('serves the demo on the embedded database, keeps data across a graceful restart', async () => {
    const port = freePort();
    const base = `http://localhost:${port}`;
    const first = startServer({ PORT: String(port), DATA_DIR: dataDir });
    await waitForOutput(first, `http://localhost:${port}`);
    for (const account of demoAccounts.list) expect(first.output()).toContain(account.email);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const secretariat = await login(base, 'jimukyoku@demo.example');
    expect(secretariat.status).toBe(200);
    const created = await fetch(`${base}/api/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretariat.body.token}` },
      body: JSON.stringify({ name: '再起動確認村', kind: 'village' }),
    });
    expect(created.status).toBe(201);
    // each request is one JSON line on standard output, under the id the answer carries
    const requestId = created.headers.get('x-request-id')!;
    await expect.poll(() => first.output().split('\n').some((line) => line.includes(requestId))).toBe(true);
    const logged = JSON.parse(first.output().split('\n').find((line) => line.includes(requestId))!) as Record<string, unknown>;
    expect(logged).toMatchObject({ level: 'info', msg: 'request', reqId: requestId, method: 'POST', route: '/api/members', status: 201 });
    expect((await (await fetch(`${base}/metrics`)).text())).toContain('http_requests_total{method="POST",route="/api/members",status="201"} 1');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startServer({ PORT: String(port), DATA_DIR: dataDir });
    await waitForOutput(second, `http://localhost:${port}`);
    expect(second.output()).not.toContain('デモデータを読み込みました');
    const again = await login(base, 'jimukyoku@demo.example');
    const list = await fetch(`${base}/api/members`, { headers: { authorization: `Bearer ${again.body.token}` } });
    const names = ((await list.json()) as { members: { name: string }[] }).members.map((m) => m.name);
    expect(names).toContain('再起動確認村');
    expect(names).toContain('五木村');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('keeps every acknowledged change on the embedded database after kill -9, and sweeps an upload cut off by it', async () => {
    const killDir = await mkdtemp(join(tmpdir(), 'wb-kill-'));
    try {
      const port = freePort();
      const base = `http://localhost:${port}`;
      const first = startServer({ PORT: String(port), DATA_DIR: killDir });
      await waitForOutput(first, `http://localhost:${port}`);
      const secretariat = await login(base, 'jimukyoku@demo.example');
      const names = Array.from({ length: 10 }, (_, i) => `強制終了確認村${i}`);
      for (const name of names) {
        const created = await fetch(`${base}/api/members`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secretariat.body.token}` },
          body: JSON.stringify({ name, kind: 'village' }),
        });
        expect(created.status).toBe(201);
      }
      // a vendor is uploading a large proposal when the process is killed
      const vendor = await login(base, 'vendor1@demo.example');
      const cases = (await (await fetch(`${base}/api/cases`, { headers: { authorization: `Bearer ${vendor.body.token}` } })).json()) as { cases: { id: string; state: string; method: string }[] };
      const open = cases.cases.find((c) => c.state === 'open' && c.method !== 'competitive_bid')!;
      const big = streamedPdfUpload('大きな提案書.pdf', 150 * 1024 * 1024, 256 * 1024);
      const staging = join(killDir, 'files', 'staging');
      // sent at a steady pace, so that the kill lands while it is arriving
      async function* paced() {
        for await (const piece of big.parts()) {
          yield piece;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      const cutOff = fetch(`${base}/api/cases/${open.id}/proposal/files`, {
        method: 'POST',
        headers: { 'content-type': big.contentType, authorization: `Bearer ${vendor.body.token}` },
        body: paced() as unknown as BodyInit,
        duplex: 'half',
      } as RequestInit).catch(() => 'cut off');
      for (let i = 0; i < 200 && (await readdir(staging).catch(() => [])).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await readdir(staging)).length).toBe(1);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(await cutOff).toBe('cut off');

      const second = startServer({ PORT: String(port), DATA_DIR: killDir });
      await waitForOutput(second, `http://localhost:${port}`);
      const again = await login(base, 'jimukyoku@demo.example');
      const list = await fetch(`${base}/api/members`, { headers: { authorization: `Bearer ${again.body.token}` } });
      const stored = ((await list.json()) as { members: { name: string }[] }).members.map((m) => m.name);
      for (const name of names) expect(stored).toContain(name);
      // the partial upload was swept at start and left no record
      expect(second.output()).toContain('中断されたアップロードの一時ファイルを 1 件削除しました');
      expect(await readdir(staging)).toEqual([]);
      const vendorAgain = await login(base, 'vendor1@demo.example');
      const proposal = (await (await fetch(`${base}/api/cases/${open.id}/proposal`, { headers: { authorization: `Bearer ${vendorAgain.body.token}` } })).json()) as { proposal: { files: { name: string }[] } };
      expect(proposal.proposal.files.map((f) => f.name)).not.toContain('大きな提案書.pdf');
      const verify = await fetch(`${base}/api/audit/verify`, { headers: { authorization: `Bearer ${again.body.token}` } });
      expect(await verify.json()).toMatchObject({ ok: true });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await rm(killDir, { recursive: true, force: true });
    }
  }, 120_000);

  it.runIf(process.env.TEST_DATABASE_URL)('switches to PostgreSQL with DATABASE_URL', async () => {
    const admin = await connect(process.env.TEST_DATABASE_URL!);
    const name = `wb_main_${Date.now()}`;
    await admin.run(`CREATE DATABASE ${name}`);
    try {
      const port = freePort();
      const started = startServer({
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl(process.env.TEST_DATABASE_URL!, name),
        ADMIN_EMAIL: 'admin@test.example',
        ADMIN_PASSWORD: 'admin-password-123',
      });
      await waitForOutput(started, `http://localhost:${port}`);
      expect(started.output()).toContain('PostgreSQL');
      const res = await fetch(`http://localhost:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@test.example', password: 'admin-password-123' }),
      });
      expect(res.status).toBe(200);
      // DEMO defaults to off on PostgreSQL
      expect((await login(`http://localhost:${port}`, 'jimukyoku@demo.example')).status).toBe(401);
      const db = await connect(databaseUrl(process.env.TEST_DATABASE_URL!, name));
      const [row] = await db.rows<{ n: number }>('select count(*)::int as n from consortia');
      expect(row!.n).toBe(0);
      await db.end();
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    } finally {
      await admin.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 60_000);
});
