import { sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/audit-chain.ts';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'aud-a');
  b = await createTenant(h, 'aud-b');
});
afterAll(() => h.close());

/** Changes the log behind the application's back, as someone with database access could. */
async function tamper(statement: ReturnType<typeof sql>) {
  await h.database.db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await tx.execute(statement);
    await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  });
}

describe('audit trail', () => {
  it('records who did what to which object, and when', async () => {
    h.clock.advance(60_000);
    const at = h.clock.now().toISOString();
    const created = await h.call('POST', '/api/members', { token: a.secretariat, body: { name: '監査町', kind: 'town' } });
    const log = await h.call('GET', '/api/audit', { token: a.secretariat });
    const entry = log.body.entries.find((e: { objectId: string }) => e.objectId === created.body.member.id);
    expect(entry).toMatchObject({
      action: 'member.create',
      objectType: 'member',
      actorRole: 'secretariat',
      consortiumId: a.consortiumId,
      at,
      details: { name: '監査町' },
    });
    expect(entry.actorUserId).toEqual(expect.any(String));
  });

  it('keeps each consortium to its own chain', async () => {
    const log = await h.call('GET', '/api/audit', { token: b.secretariat });
    expect(log.body.entries.length).toBeGreaterThan(0);
    expect(log.body.entries.every((e: { consortiumId: string }) => e.consortiumId === b.consortiumId)).toBe(true);
  });

  it('never forks under concurrent appends', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => h.call('POST', '/api/members', { token: a.secretariat, body: { name: `並行村${i}`, kind: 'village' } })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const verdict = await h.call('GET', '/api/audit/verify', { token: a.secretariat });
    expect(verdict.body.ok).toBe(true);
    const log = await h.call('GET', '/api/audit?limit=1000', { token: a.secretariat });
    const seqs = log.body.entries.map((e: { seq: number }) => e.seq).sort((x: number, y: number) => x - y);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it('refuses UPDATE and DELETE at the database, on the entries and on the chain', async () => {
    await expect(h.database.db.execute(sql`UPDATE audit_log SET action = 'x'`)).rejects.toThrow();
    await expect(h.database.db.execute(sql`DELETE FROM audit_log`)).rejects.toThrow();
    await expect(h.database.db.execute(sql`UPDATE audit_seals SET hash = 'x'`)).rejects.toThrow();
    await expect(h.database.db.execute(sql`DELETE FROM audit_seals`)).rejects.toThrow();
    expect((await h.call('GET', '/api/audit/verify', { token: a.secretariat })).body.ok).toBe(true);
  });

  it('detects an edited row', async () => {
    const before = await h.call('GET', '/api/audit/verify', { token: b.secretariat });
    expect(before.body.ok).toBe(true);
    await tamper(sql`UPDATE audit_log SET details = '{"name":"改ざん"}'::jsonb WHERE id = (SELECT entry_id FROM audit_seals WHERE chain_key = ${b.consortiumId} AND seq = 3)`);
    const after = await h.call('GET', '/api/audit/verify', { token: b.secretariat });
    expect(after.body).toMatchObject({ ok: false, entries: before.body.entries, brokenAt: 3 });
  });

  it('detects a seal removed from the chain', async () => {
    const log = await h.call('GET', '/api/audit?limit=1', { token: b.secretariat });
    expect(log.body.entries[0].hash).toMatch(/^[0-9a-f]{64}$/);
    await h.database.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_seals DISABLE TRIGGER audit_seals_append_only`);
      await tx.execute(sql`DELETE FROM audit_seals WHERE chain_key = ${b.consortiumId} AND seq = 2`);
      await tx.execute(sql`ALTER TABLE audit_seals ENABLE TRIGGER audit_seals_append_only`);
    });
    const after = await h.call('GET', '/api/audit/verify', { token: b.secretariat });
    expect(after.body).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects a deleted row', async () => {
    const before = await h.call('GET', '/api/audit/verify', { token: a.secretariat });
    expect(before.body.ok).toBe(true);
    await tamper(sql`DELETE FROM audit_log WHERE id = (SELECT entry_id FROM audit_seals WHERE chain_key = ${a.consortiumId} AND seq = 5)`);
    const after = await h.call('GET', '/api/audit/verify', { token: a.secretariat });
    expect(after.body).toMatchObject({ ok: false, brokenAt: 5 });
  });

  it('refuses TRUNCATE of the entries and of the chain', async () => {
    await expect(h.database.db.execute(sql`TRUNCATE audit_log`)).rejects.toThrow();
    await expect(h.database.db.execute(sql`TRUNCATE audit_seals`)).rejects.toThrow();
  });
});

describe('an audit trail that proves itself against its own database', () => {
  let c: Tenant;
  const verify = async () => (await h.call('GET', '/api/audit/verify', { token: c.secretariat })).body;
  const member = (name: string) => h.call('POST', '/api/members', { token: c.secretariat, body: { name, kind: 'town' } });

  beforeAll(async () => {
    c = await createTenant(h, 'aud-c');
  });

  it('answers the chain head, and publishes the same head without a login', async () => {
    await member('頭町');
    const verdict = await verify();
    expect(verdict.ok).toBe(true);
    expect(verdict.head).toEqual({ seq: verdict.entries, hash: expect.stringMatching(/^[0-9a-f]{64}$/), at: expect.any(String) });
    const published = await h.call('GET', `/api/public/consortia/${c.consortiumId}/audit-head`);
    expect(published.status).toBe(200);
    expect(published.body).toEqual(verdict.head);
    // a copy kept earlier can be compared with the link at its place later
    await member('後続町');
    const later = await h.call('GET', `/api/public/consortia/${c.consortiumId}/audit-head?seq=${verdict.head.seq}`);
    expect(later.body).toEqual(verdict.head);
    expect((await h.call('GET', `/api/public/consortia/no-such-consortium/audit-head`)).status).toBe(404);
  });

  it('names an entry written behind the application’s back (no pending marker) as unsealed', async () => {
    await member('未封印町');
    const before = await verify();
    expect(before.ok).toBe(true);
    await h.database.db.execute(sql`INSERT INTO audit_log (chain_key, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details)
      VALUES (${c.consortiumId}, now(), ${c.consortiumId}, null, 'secretariat', 'member.create', 'member', 'x', null, '{}'::jsonb)`);
    expect(await verify()).toMatchObject({ ok: false, brokenAt: before.entries + 1 });
  });
});

describe('forged and rewritten entries', () => {
  let d: Tenant;
  const verify = async () => (await h.call('GET', '/api/audit/verify', { token: d.secretariat })).body;

  beforeEach(async () => {
    d = await createTenant(h, `aud-${Math.random().toString(36).slice(2, 8)}`);
  });

  it('finds a plain INSERT of a backdated entry queued for sealing, at that entry, though the sealer chained it', async () => {
    const before = await verify();
    expect(before.ok).toBe(true);
    await h.database.db.execute(sql`WITH e AS (
        INSERT INTO audit_log (chain_key, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details, uid, mac)
        VALUES (${d.consortiumId}, '2026-01-05T09:00:00+09:00', ${d.consortiumId}, null, 'secretariat', 'bid.open', 'bid_round', 'x:1', null, '{}'::jsonb, 'forged-uid', ${'0'.repeat(64)})
        RETURNING id)
      INSERT INTO audit_pending (entry_id) SELECT id FROM e`);
    const after = await verify();
    expect(after).toMatchObject({ ok: false, brokenAt: before.entries + 1 });
    // it was sealed in its place all the same: the chain itself is whole
    const log = await h.call('GET', '/api/audit?limit=1', { token: d.secretariat });
    expect(log.body.entries[0]).toMatchObject({ action: 'bid.open', seq: before.entries + 1 });
  });

  it('finds a copy of a genuine entry inserted again', async () => {
    const before = await verify();
    await h.database.db.execute(sql`WITH e AS (
        INSERT INTO audit_log (chain_key, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details, uid, mac)
        SELECT chain_key, at, consortium_id, actor_user_id, actor_role, action, object_type, object_id, case_id, details, uid || '-copy', mac
        FROM audit_log WHERE chain_key = ${d.consortiumId} ORDER BY id DESC LIMIT 1
        RETURNING id)
      INSERT INTO audit_pending (entry_id) SELECT id FROM e`);
    expect(await verify()).toMatchObject({ ok: false, brokenAt: before.entries + 1 });
  });

  it('finds an entry edited and its chain recomputed without the key, at the edited entry', async () => {
    const before = await verify();
    expect(before.ok).toBe(true);
    expect(before.entries).toBeGreaterThanOrEqual(3);
    await h.database.db.transaction(async (tx) => {
      for (const [table, trigger] of [['audit_log', 'audit_log_append_only'], ['audit_seals', 'audit_seals_append_only']] as const) {
        await tx.execute(sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`));
      }
      await tx.execute(sql`UPDATE audit_log SET details = '{"name":"改ざん"}'::jsonb WHERE id = (SELECT entry_id FROM audit_seals WHERE chain_key = ${d.consortiumId} AND seq = 2)`);
      // recompute every link from the edited one on, as the old unkeyed chain allowed
      const rows = (await tx.execute(sql`SELECT s.seq, s.prev_hash, l.* FROM audit_seals s JOIN audit_log l ON l.id = s.entry_id WHERE s.chain_key = ${d.consortiumId} ORDER BY s.seq`)) as unknown;
      const list = ((Array.isArray(rows) ? rows : (rows as { rows: Record<string, unknown>[] }).rows) as Record<string, any>[]).filter((r) => Number(r.seq) >= 2);
      let prev = list[0]!.prev_hash as string;
      for (const r of list) {
        const content = { uid: r.uid, mac: r.mac, chainKey: r.chain_key, seq: Number(r.seq), at: new Date(r.at).toISOString(), consortiumId: r.consortium_id, actorUserId: r.actor_user_id, actorRole: r.actor_role, action: r.action, objectType: r.object_type, objectId: r.object_id, caseId: r.case_id, details: r.details };
        const hash = createHash('sha256').update(prev).update('\n').update(canonicalJson(content)).digest('hex');
        await tx.execute(sql`UPDATE audit_seals SET prev_hash = ${prev}, hash = ${hash} WHERE chain_key = ${d.consortiumId} AND seq = ${Number(r.seq)}`);
        prev = hash;
      }
      await tx.execute(sql`UPDATE audit_chains SET hash = ${prev} WHERE chain_key = ${d.consortiumId}`);
      for (const [table, trigger] of [['audit_log', 'audit_log_append_only'], ['audit_seals', 'audit_seals_append_only']] as const) {
        await tx.execute(sql.raw(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`));
      }
    });
    expect(await verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });
});
