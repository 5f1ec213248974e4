import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, type Reply, scratchDatabase, startInstance } from './server.ts';
import { buildConsortium, caseInEvaluation, openProposalCase, percentiles, proposalFile, scoresFor, upload } from './world.ts';

// One instance on PostgreSQL, a minute of 200 concurrent clients of three kinds at once: evaluators
// saving sheets, vendors uploading proposal files and the secretariat generating PDFs.

const DURATION_MS = Number(process.env.SOAK_SECONDS ?? 60) * 1000;
const CLIENTS = { evaluators: 120, vendors: 50, secretariat: 30 };

describe('200 concurrent clients for a minute', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let app: Instance;

  beforeAll(async () => {
    db = await scratchDatabase('load');
    app = await startInstance(db.url, db.dataDir, { DB_POOL_SIZE: '20' });
  }, 120_000);

  afterAll(async () => {
    if (app && app.started.child.exitCode !== null) console.error(`the server stopped:\n${app.started.output().slice(-4000)}`);
    await app?.stop();
    await db?.drop();
  });

  it('answers every request without a 5xx, loses no write and keeps a verifiable audit trail', async () => {
    const { api } = app;
    const world = await buildConsortium(api, { members: 20, vendors: 16, evaluators: 20 });
    const proposers = world.vendors.slice(0, 6);
    const uploaders = world.vendors.slice(6);
    const scored = await caseInEvaluation(api, world, proposers, world.evaluators);
    const submissions = await openProposalCase(api, world, '提出受付中の案件', Date.now() + DURATION_MS + 600_000);

    const statuses = new Map<number, number>();
    const latency: Record<'save' | 'upload' | 'pdf' | 'read', number[]> = { save: [], upload: [], pdf: [], read: [] };
    let savesAnswered = 0;
    const record = (kind: keyof typeof latency, res: Reply) => {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      latency[kind].push(res.ms);
      return res;
    };
    const end = Date.now() + DURATION_MS;

    // evaluators: one client per sheet, saving again and again; the last answered save is what must be kept
    const sheets = world.evaluators.flatMap((e) => proposers.map((v) => ({ e, v, last: 0 })));
    expect(sheets).toHaveLength(CLIENTS.evaluators);
    const evaluatorClients = sheets.map(async (sheet) => {
      for (let k = 1; Date.now() < end; k++) {
        const res = record('save', await api.call('PUT', `/api/cases/${scored}/evaluation/sheets/${sheet.v.id}`, { token: sheet.e.token, body: { scores: scoresFor(k) } }));
        if (res.status === 200) {
          sheet.last = k;
          savesAnswered += 1;
        }
      }
    });

    // vendors: five clients per vendor uploading files of 20–300 KB; every answered upload must be kept byte for byte
    const uploaded: { vendor: (typeof uploaders)[number]; id: string; sha256: string }[] = [];
    const vendorClients = Array.from({ length: CLIENTS.vendors }, async (_, i) => {
      const vendor = uploaders[i % uploaders.length]!;
      for (let n = 0; Date.now() < end; n++) {
        const file = proposalFile(20_000 + ((i * 7919 + n * 104_729) % 280_000));
        const res = record('upload', await upload(api, vendor.token, submissions, `提案書_${i}_${n}.pdf`, file.bytes));
        if (res.status === 201) {
          expect(res.body.file.sha256).toBe(file.sha256);
          uploaded.push({ vendor, id: res.body.file.id, sha256: file.sha256 });
        }
      }
    });

    // the secretariat: the specification PDF of the case being scored, the progress table, the apportionment
    const secretariatClients = Array.from({ length: CLIENTS.secretariat }, async (_, i) => {
      while (Date.now() < end) {
        const res = record('pdf', await api.call('GET', `/api/cases/${scored}/documents/spec.pdf`, { token: world.sec }));
        if (res.status === 200) expect(Buffer.from(res.body as Uint8Array).subarray(0, 5).toString()).toBe('%PDF-');
        if (i % 3 === 0) record('read', await api.call('GET', `/api/cases/${scored}/evaluation/progress`, { token: world.sec }));
      }
    });

    await Promise.all([...evaluatorClients, ...vendorClients, ...secretariatClients]);
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    const summary = {
      requests: answered,
      perSecond: Math.round(answered / (DURATION_MS / 1000)),
      statuses: Object.fromEntries(statuses),
      save: percentiles(latency.save),
      upload: percentiles(latency.upload),
      pdf: percentiles(latency.pdf),
      read: percentiles(latency.read),
      uploads: uploaded.length,
    };
    console.log(`load: ${JSON.stringify(summary)}`);

    // no 5xx, and with valid requests nothing refused either
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 300)).toEqual([]);
    expect(app.started.child.exitCode).toBeNull();

    // every sheet holds its last answered save
    for (const sheet of sheets) {
      expect(sheet.last).toBeGreaterThan(0);
      const got = await api.call('GET', `/api/cases/${scored}/evaluation/sheets/${sheet.v.id}`, { token: sheet.e.token });
      expect(got.body.sheet.scores).toEqual(scoresFor(sheet.last));
    }

    // every answered upload is listed once and reads back with its hash
    for (const vendor of uploaders) {
      const mine = uploaded.filter((u) => u.vendor === vendor);
      const listed = (await api.call('GET', `/api/cases/${submissions}/proposal`, { token: vendor.token })).body.proposal.files as { id: string; sha256: string }[];
      expect(listed.map((f) => `${f.id}:${f.sha256}`).sort()).toEqual(mine.map((u) => `${u.id}:${u.sha256}`).sort());
    }
    for (const u of uploaded) {
      const bytes = (await api.call('GET', `/api/files/${u.id}`, { token: u.vendor.token })).body as Uint8Array;
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(u.sha256);
    }

    // every write has its audit entry, and the chain verifies
    const saves = await db.db.rows<{ n: number }>(`select count(*)::int as n from audit_log where action = 'sheet.save' and case_id = $1`, [scored]);
    expect(saves[0]!.n).toBe(savesAnswered);
    const received = await db.db.rows<{ n: number }>(`select count(*)::int as n from audit_log where action = 'file.receive' and case_id = $1`, [submissions]);
    expect(received[0]!.n).toBe(uploaded.length);
    const verify = await api.call('GET', '/api/audit/verify', { token: world.sec });
    expect(verify.body).toMatchObject({ ok: true });
  }, 300_000);
});
