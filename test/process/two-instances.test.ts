import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';
import { type Client, client } from '../helpers/http-client.ts';
import { type Connection, connect, databaseUrl } from '../helpers/postgres.ts';
import { type Started, freePort, startServer, waitForOutput } from '../helpers/process.ts';
import { type TestS3, startS3 } from '../helpers/s3.ts';

// Two app processes on one PostgreSQL, as behind a load balancer: files in one S3 bucket (s3rver), each
// process with a DATA_DIR of its own for staging, so a file read through the other came through the bucket.

const PASSWORD = 'two-instances-1';
const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
if (!hasPostgres) console.warn('Two-instance test skipped: it needs TEST_DATABASE_URL (CI sets it).');

describe.runIf(hasPostgres)('two instances on one database', () => {
  let admin: Connection;
  let name: string;
  let dataDir: string;
  let s3: TestS3;
  const instances: { started: Started; base: string }[] = [];

  beforeAll(async () => {
    admin = await connect(process.env.TEST_DATABASE_URL!);
    name = `wb_two_${Date.now()}`;
    await admin.run(`CREATE DATABASE ${name}`);
    dataDir = await mkdtemp(join(tmpdir(), 'wb-two-'));
    s3 = await startS3();
    const env = {
      DATABASE_URL: databaseUrl(process.env.TEST_DATABASE_URL!, name),
      ...s3.env,
      SEAL_KEY: randomBytes(32).toString('base64'),
      ADMIN_EMAIL: 'admin@two.example',
      ADMIN_PASSWORD: 'admin-password-123',
      DEMO: '0',
    };
    for (let i = 0; i < 2; i++) {
      const port = freePort();
      const started = startServer({ ...env, DATA_DIR: join(dataDir, `instance${i}`), PORT: String(port) });
      await waitForOutput(started, `http://localhost:${port}`);
      expect(started.output()).toContain(`受け付けたファイルの保存先: S3 バケット ${s3.bucket}`);
      instances.push({ started, base: `http://127.0.0.1:${port}` });
    }
  }, 90_000);

  afterAll(async () => {
    for (const { started } of instances) {
      started.child.kill('SIGTERM');
      await started.exited;
    }
    await admin?.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
    await rm(dataDir, { recursive: true, force: true });
    await s3?.close();
  });

  const call = (i: number, method: string, path: string, options?: Parameters<Client['call']>[2]) => client(instances[i % 2]!.base).call(method, path, options);
  const login = async (i: number, email: string, password = PASSWORD) => (await call(i, 'POST', '/api/auth/login', { body: { email, password } })).body.token as string;
  const sleepUntil = async (at: number) => {
    while (Date.now() < at) await new Promise((r) => setTimeout(r, 50));
  };

  it('takes saves, uploads and a bid opening on both at once, losing nothing and opening once', async () => {
    const operator = await login(0, 'admin@two.example', 'admin-password-123');
    const consortium = (await call(1, 'POST', '/api/consortia', { token: operator, body: { name: '二台協議会', secretariat: { email: 'sec@two.example', name: '事務局', password: PASSWORD } } })).body.consortium;
    const sec = await login(0, 'sec@two.example');
    const vendors: { id: string; token: string }[] = [];
    for (let v = 0; v < 3; v++) {
      const reg = await call(v, 'POST', '/api/vendors/register', { body: { consortiumId: consortium.id, companyName: `事業者${v}`, email: `v${v}@two.example`, name: '担当', password: PASSWORD } });
      vendors.push({ id: reg.body.vendor.id, token: await login(v + 1, `v${v}@two.example`) });
      // approved by the secretariat (入札参加資格) on the other instance: it may then propose and bid
      expect((await call(v + 1, 'POST', `/api/vendors/${reg.body.vendor.id}/qualification`, { token: sec, body: { status: 'approved' } })).status).toBe(200);
    }
    const evaluators: { id: string; token?: string }[] = [];
    for (let e = 0; e < 6; e++) {
      const u = await call(e, 'POST', '/api/users', { token: sec, body: { email: `e${e}@two.example`, name: `委員${e}`, role: 'evaluator', password: PASSWORD } });
      evaluators.push({ id: u.body.user.id });
    }

    // proposals: uploads through both instances into the bucket, the first large enough to go in two parts
    const deadline = Date.now() + 4000;
    const proposal = (await call(1, 'POST', '/api/cases', { token: sec, body: { title: '二台で審査', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: new Date(deadline).toISOString() } })).body.case;
    await call(1, 'PUT', `/api/cases/${proposal.id}/spec`, { token: sec, body: { sections: [{ heading: '業務の概要', body: '業務の内容は本書のとおりとする。' }] } });
    await call(0, 'POST', `/api/cases/${proposal.id}/transition`, { token: sec, body: { to: 'open' } });
    const uploads = await Promise.all(
      vendors.map((v, i) => {
        const content = pdfBytes(i === 0 ? 9 * 1024 * 1024 : 200_000 + i);
        return call(i, 'POST', `/api/cases/${proposal.id}/proposal/files`, { token: v.token, raw: multipartBody(`提案${i}.pdf`, content) }).then((r) => ({ r, content }));
      }),
    );
    for (const { r } of uploads) expect(r.status).toBe(201);
    await call(0, 'PUT', `/api/cases/${proposal.id}/evaluation`, {
      token: sec,
      body: { criteria: [{ code: 'q', name: '品質', maxPoints: 50, mode: 'points' }, { code: 'u', name: '使いやすさ', maxPoints: 50, mode: 'points' }], aggregation: 'average', evaluatorIds: evaluators.map((e) => e.id), reason: '評価基準を定めます。' },
    });

    // a tender opening at a fixed moment
    const tender = (await call(0, 'POST', '/api/cases', { token: sec, body: { title: '二台で開札', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } })).body.case;
    const bidDeadline = Date.now() + 4500;
    const opening = bidDeadline + 500;
    await call(1, 'PUT', `/api/cases/${tender.id}/bidding`, { token: sec, body: { ceilingPrice: 10_000_000, ceilingPublic: false, deadlineAt: new Date(bidDeadline).toISOString(), openingAt: new Date(opening).toISOString() } });
    await call(1, 'PUT', `/api/cases/${tender.id}/spec`, { token: sec, body: { sections: [{ heading: '業務の概要', body: '業務の内容は本書のとおりとする。' }] } });
    await call(0, 'POST', `/api/cases/${tender.id}/transition`, { token: sec, body: { to: 'open' } });
    const bidResults = await Promise.all(vendors.map((v, i) => call(i, 'POST', `/api/cases/${tender.id}/bids`, { token: v.token, body: { amount: 9_000_000, lotNumber: 100 * (i + 1) } })));
    expect(bidResults.map((r) => r.status)).toEqual([201, 201, 201]);

    await sleepUntil(deadline + 100);
    await call(1, 'POST', `/api/cases/${proposal.id}/transition`, { token: sec, body: { to: 'evaluation' } });
    for (const [e, ev] of evaluators.entries()) {
      ev.token = await login(e, `e${e}@two.example`);
      expect((await call(e + 1, 'POST', `/api/cases/${proposal.id}/evaluation/coi`, { token: ev.token, body: { conflict: false } })).status).toBe(200);
    }
    // every evaluator saves every sheet four times in turn, alternating instances; all sheets at once
    const saves = [];
    for (const [e, ev] of evaluators.entries()) {
      for (const [v, vendor] of vendors.entries()) {
        saves.push(
          (async () => {
            const statuses: number[] = [];
            for (let k = 0; k < 4; k++) {
              const r = await call(e + v + k, 'PUT', `/api/cases/${proposal.id}/evaluation/sheets/${vendor.id}`, { token: ev.token, body: { scores: { q: 10 + e + k, u: 20 + v + k } } });
              statuses.push(r.status);
            }
            return statuses;
          })(),
        );
      }
    }
    const saved = await Promise.all(saves);
    expect(saved.flat().every((status) => status === 200)).toBe(true);
    for (const [e, ev] of evaluators.entries()) {
      for (const [v, vendor] of vendors.entries()) {
        expect((await call(e + v + 1, 'POST', `/api/cases/${proposal.id}/evaluation/sheets/${vendor.id}/submit`, { token: ev.token })).status).toBe(200);
      }
    }

    // the opening, requested from both instances at the same moment
    await sleepUntil(opening + 50);
    const [openA, openB] = await Promise.all([
      call(0, 'POST', `/api/cases/${tender.id}/bids/open`, { token: sec }),
      call(1, 'POST', `/api/cases/${tender.id}/bids/open`, { token: sec }),
    ]);
    expect(openA.status).toBe(200);
    expect(openB.body).toEqual(openA.body);
    expect(openA.body.lot.entries).toHaveLength(3);

    // results: every sheet counted, with the last saved scores
    expect((await call(1, 'POST', `/api/cases/${proposal.id}/evaluation/close`, { token: sec })).status).toBe(200);
    const results = (await call(0, 'GET', `/api/cases/${proposal.id}/evaluation/results`, { token: sec })).body;
    expect(results.evaluatorCount).toBe(6);
    // per evaluator e: q = 10 + e + 3 (its last save), u = 20 + v + 3; the mean over e = 0..5 of q is 15.5
    for (const [v, vendor] of vendors.entries()) {
      expect(results.ranking.find((r: { vendorId: string }) => r.vendorId === vendor.id).technical).toBeCloseTo(15.5 + 23 + v, 6);
    }
    // the files, uploaded through either instance, are read back through the other with their hash
    const proposals = (await call(1, 'GET', `/api/cases/${proposal.id}/proposals`, { token: sec })).body.proposals;
    for (const [i, { content }] of uploads.entries()) {
      const file = proposals.find((p: { vendorId: string }) => p.vendorId === vendors[i]!.id).files[0];
      const res = await fetch(`${instances[(i + 1) % 2]!.base}/api/files/${file.id}`, { headers: { authorization: `Bearer ${sec}` } });
      expect(createHash('sha256').update(new Uint8Array(await res.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
    }
    // nothing was kept on either instance's disk, and no upload was left open in the bucket
    for (const i of [0, 1]) expect(existsSync(join(dataDir, `instance${i}`, 'files', 'objects'))).toBe(false);
    expect(s3.parts.map((p) => p.partNumber).sort()).toEqual([1, 2]);

    // one opening, one chain: the audit trail verifies on both instances
    const log = (await call(0, 'GET', `/api/audit?caseId=${tender.id}&limit=1000`, { token: sec })).body.entries;
    expect(log.filter((e: { action: string }) => e.action === 'bid.open')).toHaveLength(1);
    expect(log.filter((e: { action: string }) => e.action === 'bid.open.repeat')).toHaveLength(1);
    for (const i of [0, 1]) expect((await call(i, 'GET', '/api/audit/verify', { token: sec })).body).toMatchObject({ ok: true });
  }, 120_000);
});
