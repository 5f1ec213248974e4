import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, databaseRelay, scratchDatabase, startInstance } from './server.ts';
import { type Account, type Consortium, buildConsortium, caseInEvaluation, scoresFor, sleep, sleepUntil } from './world.ts';

// The database goes away during a burst of sheet saves and bid submissions, then comes back.

const OUTAGE_AFTER_MS = 2500;
const OUTAGE_MS = 4000;
const BURST_MS = 11_000;

describe('a database outage during a burst of saves and bids', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let relay: Awaited<ReturnType<typeof databaseRelay>>;
  let app: Instance;

  beforeAll(async () => {
    db = await scratchDatabase('outage');
    const target = new URL(db.url);
    relay = await databaseRelay({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(db.url);
    through.port = String(relay.port);
    app = await startInstance(through.toString(), db.dataDir);
  }, 120_000);

  afterAll(async () => {
    if (app && app.started.child.exitCode !== null) console.error(`the server stopped:\n${app.started.output().slice(-4000)}`);
    await app?.stop();
    await relay?.close();
    await db?.drop();
  });

  it('answers 503 database_unavailable while it is down, recovers by itself, and keeps every acknowledged write', async () => {
    const { api } = app;
    const world: Consortium = await buildConsortium(api, { members: 3, vendors: 30, evaluators: 8 });
    const bidders = world.vendors;
    const proposers = world.vendors.slice(0, 3);
    const sheetCase = await caseInEvaluation(api, world, proposers, world.evaluators);

    // a tender taking bids until well after the outage
    const tender = (await api.call('POST', '/api/cases', { token: world.sec, body: { title: '障害中の入札', method: 'competitive_bid', contractMode: 'individual', fiscalYear: 2026 } })).body.case;
    const bidDeadline = Date.now() + BURST_MS + 6000;
    const opening = bidDeadline + 300;
    expect(
      (await api.call('PUT', `/api/cases/${tender.id}/bidding`, {
        token: world.sec,
        body: { ceilingPrice: 50_000_000, ceilingPublic: false, deadlineAt: new Date(bidDeadline).toISOString(), openingAt: new Date(opening).toISOString() },
      })).status,
    ).toBe(200);
    expect((await api.call('PUT', `/api/cases/${tender.id}/spec`, { token: world.sec, body: { sections: [{ heading: '業務の概要', body: '業務の内容は本書のとおりとする。' }] } })).status).toBe(200);
    expect((await api.call('POST', `/api/cases/${tender.id}/transition`, { token: world.sec, body: { to: 'open' } })).status).toBe(200);

    const refusals: { status: number; code: string | undefined }[] = [];
    const note = (res: { status: number; body: any }) => {
      if (res.status >= 300) refusals.push({ status: res.status, code: res.body?.error?.code });
    };
    const start = Date.now();
    const burstEnd = start + BURST_MS;

    // every evaluator saves every sheet in a loop; the last acknowledged save must be what is kept
    const acknowledged = new Map<string, number>();
    let acknowledgedSaves = 0;
    const attempted = new Map<string, number[]>();
    const sheetLoops = world.evaluators.flatMap((e: Account) =>
      proposers.map(async (v) => {
        const key = `${e.id}:${v.id}`;
        for (let k = 1; Date.now() < burstEnd; k++) {
          attempted.set(key, [...(attempted.get(key) ?? []), k]);
          const res = await api.call('PUT', `/api/cases/${sheetCase}/evaluation/sheets/${v.id}`, { token: e.token, body: { scores: scoresFor(k) } });
          note(res);
          if (res.status === 200) {
            acknowledged.set(key, k);
            acknowledgedSaves += 1;
          }
          else await sleep(100);
        }
      }),
    );

    // each bidder sends one bid at a moment spread over the burst, and again after a failure until it is held
    const bidAmount = (i: number) => 30_000_000 + i * 10_000;
    const heldBids = new Map<string, string>();
    const bidLoops = bidders.map(async (v, i) => {
      await sleep((i * BURST_MS) / bidders.length);
      for (;;) {
        const res = await api.call('POST', `/api/cases/${tender.id}/bids`, { token: v.token, body: { amount: bidAmount(i), lotNumber: i } });
        note(res);
        if (res.status === 201) {
          heldBids.set(v.id, res.body.receipt.bidId);
          return;
        }
        // an attempt whose answer was lost may have been kept: the retry then says so
        if (res.status === 409 && res.body.error.code === 'already_submitted') return;
        await sleep(250);
      }
    });

    // the outage
    await sleepUntil(start + OUTAGE_AFTER_MS);
    relay.cut();
    await sleep(1000);
    const ready = await api.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('database_unavailable');
    const duringOutage = await api.call('GET', `/api/cases/${tender.id}/bids/mine`, { token: bidders[0]!.token });
    expect(duringOutage.status).toBe(503);
    // a server error carries the request's id, to quote when reporting it
    expect(duringOutage.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(duringOutage.body).toEqual({ error: { code: 'database_unavailable', message: expect.any(String), requestId: duringOutage.requestId } });
    await sleepUntil(start + OUTAGE_AFTER_MS + OUTAGE_MS);
    relay.restore();
    const restoredAt = Date.now();

    // the service comes back without a restart
    let back = false;
    while (!back && Date.now() - restoredAt < 15_000) {
      back = (await api.call('GET', '/readyz')).status === 200;
      if (!back) await sleep(200);
    }
    expect(back).toBe(true);
    const recoveredMs = Date.now() - restoredAt;
    await Promise.all([...sheetLoops, ...bidLoops]);

    // what failed, failed as the contract says; the outage was felt
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.filter((r) => !(r.status === 503 && r.code === 'database_unavailable'))).toEqual([]);
    expect(app.started.child.exitCode).toBeNull();

    // every sheet holds its last acknowledged save, or a later attempt whose answer was lost
    for (const e of world.evaluators) {
      for (const v of proposers) {
        const key = `${e.id}:${v.id}`;
        const last = acknowledged.get(key);
        expect(last, key).toBeDefined();
        const sheet = (await api.call('GET', `/api/cases/${sheetCase}/evaluation/sheets/${v.id}`, { token: e.token })).body.sheet;
        const later = attempted.get(key)!.filter((k) => k >= last!);
        expect(later.map(scoresFor)).toContainEqual(sheet.scores);
      }
    }

    // every bid is held once and opens with the amount sent
    expect(heldBids.size).toBeGreaterThan(0);
    await sleepUntil(opening + 100);
    const opened = await api.call('POST', `/api/cases/${tender.id}/bids/open`, { token: world.sec });
    expect(opened.status).toBe(200);
    expect(opened.body.bids).toHaveLength(bidders.length);
    for (const [i, v] of bidders.entries()) {
      expect(opened.body.bids.find((b: { vendorId: string }) => b.vendorId === v.id)?.amount, v.email).toBe(bidAmount(i));
    }

    // nothing half-written: each bid and each saved sheet has its audit entry, and the chain verifies
    const bidsWithoutEntry = await db.db.rows(
      `select b.id from bids b where b.case_id = $1
      and not exists (select 1 from audit_log a where a.action = 'bid.receive' and a.object_id = b.id)`,
      [tender.id],
    );
    expect(bidsWithoutEntry).toEqual([]);
    const receivedEntries = await db.db.rows<{ n: number }>(`select count(*)::int as n from audit_log where action = 'bid.receive' and case_id = $1`, [tender.id]);
    expect(receivedEntries[0]!.n).toBe(bidders.length);
    const saveEntries = await db.db.rows<{ n: number }>(`select count(*)::int as n from audit_log where action = 'sheet.save' and case_id = $1`, [sheetCase]);
    expect(saveEntries[0]!.n).toBeGreaterThanOrEqual(acknowledgedSaves);
    const verify = await api.call('GET', '/api/audit/verify', { token: world.sec });
    expect(verify.body).toMatchObject({ ok: true });
    console.log(
      `outage: ${refusals.length} requests answered 503 during ${OUTAGE_MS} ms down; ready again ${recoveredMs} ms after it returned; ` +
        `${heldBids.size} bids acknowledged of ${bidders.length} held, ${saveEntries[0]!.n} sheet saves recorded`,
    );
  }, 180_000);
});
