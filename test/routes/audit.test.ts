import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(after.body).toEqual({ ok: false, entries: before.body.entries, brokenAt: 3 });
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
});
