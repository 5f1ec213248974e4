import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, cases } from '../../schema/index.ts';
import { findCase, holdCase } from '../../src/db/cases.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'case-a');
  b = await createTenant(h, 'case-b');
});
afterAll(() => h.close());

const newCase = async (body: Record<string, unknown> = {}) => {
  const res = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: 'AI議事録作成システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, options: [{ code: 'extra', name: '追加ライセンス', price: 12_000 }], ...body },
  });
  expect(res.status).toBe(201);
  return res.body.case as { id: string; state: string };
};

describe('cases', () => {
  it('are created as drafts with their option catalogue and deadlines', async () => {
    const res = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: {
        title: '電子契約システム',
        method: 'competitive_bid',
        contractMode: 'individual',
        fiscalYear: 2026,
        options: [{ code: 'consult', name: '導入支援コンサル', price: 39_000 }, { code: 'sso', name: 'SSO連携' }],
        submissionDeadline: '2026-06-30T17:00:00.000+09:00',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.case).toMatchObject({
      state: 'draft',
      method: 'competitive_bid',
      contractMode: 'individual',
      options: [{ code: 'consult', name: '導入支援コンサル', price: 39_000 }, { code: 'sso', name: 'SSO連携' }],
      submissionDeadline: '2026-06-30T08:00:00.000Z',
    });
    const got = await h.call('GET', `/api/cases/${res.body.case.id}`, { token: a.member });
    expect(got.body.case.title).toBe('電子契約システム');
  });

  it('refuse duplicate option codes and a non-integer price', async () => {
    const res = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: { title: 'x', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, options: [{ code: 'a', name: 'A', price: 1.5 }, { code: 'a', name: 'B' }] },
    });
    expect(res.status).toBe(400);
  });

  it('move along the lifecycle, and an illegal move is 409 invalid_transition that changes nothing', async () => {
    const created = await newCase();
    const auditBefore = (await h.database.db.select().from(auditLog)).length;
    const refused = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'evaluation' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_transition');
    expect(refused.body.error.message).toContain('移行できません');
    expect((await h.database.db.select().from(auditLog)).length).toBe(auditBefore);
    expect((await h.call('GET', `/api/cases/${created.id}`, { token: a.secretariat })).body.case.state).toBe('draft');

    // published as an RFI with its questions, then as a notice with its spec
    await h.call('PUT', `/api/cases/${created.id}/rfi`, { token: a.secretariat, body: { deadline: '2026-04-20T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] } });
    await putSpec(h, a.secretariat, created.id);
    for (const to of ['rfi', 'open', 'evaluation']) {
      const moved = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to } });
      expect(moved.status, to).toBe(200);
      expect(moved.body.case.state).toBe(to);
    }
    // awarded comes only with the award record
    const awarded = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'awarded' } });
    expect(awarded.status).toBe(409);
    expect(awarded.body.error.code).toBe('no_award');
    const cancel = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'cancelled' } });
    expect(cancel.status).toBe(200);
    const again = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'cancelled' } });
    expect(again.status).toBe(409);
  });

  it('start the evaluation only after the submission deadline, when no proposal can arrive or change', async () => {
    const deadline = new Date(h.clock.now().getTime() + 3_600_000);
    const created = await newCase({ submissionDeadline: deadline.toISOString() });
    await putSpec(h, a.secretariat, created.id);
    await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    const auditBefore = (await h.database.db.select().from(auditLog)).length;
    const early = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'evaluation' } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'not_yet', message: expect.stringContaining('提出期限') });
    expect((await h.database.db.select().from(auditLog)).length).toBe(auditBefore);
    expect((await h.call('GET', `/api/cases/${created.id}`, { token: a.secretariat })).body.case.state).toBe('open');
    const start = h.clock.now();
    h.clock.set(new Date(deadline.getTime() + 1));
    const onTime = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'evaluation' } });
    h.clock.set(start);
    expect(onTime.status).toBe(200);
  });

  it('change state only after a write that holds the case has finished', async () => {
    const created = await newCase();
    const row = (await findCase(h.database.db, a.consortiumId, created.id))!;
    const order: string[] = [];
    const write = h.database.db.transaction(async (tx) => {
      expect((await holdCase(tx, row)).state).toBe('draft');
      await new Promise((r) => setTimeout(r, 300));
      order.push('write');
    });
    await new Promise((r) => setTimeout(r, 50));
    const cancel = h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'cancelled' } }).then((res) => {
      order.push('cancel');
      return res;
    });
    await write;
    expect((await cancel).status).toBe(200);
    expect(order).toEqual(['write', 'cancel']);
    // and a write that starts after the change sees it, whatever row it was handed
    await h.database.db.transaction(async (tx) => expect((await holdCase(tx, row)).state).toBe('cancelled'));
  });

  it('are moved only by the secretariat', async () => {
    const created = await newCase();
    const res = await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.member, body: { to: 'open' } });
    expect(res.status).toBe(403);
  });

  it('are hidden from vendors until published, and from other consortia always', async () => {
    const created = await newCase();
    expect((await h.call('GET', `/api/cases/${created.id}`, { token: a.vendor })).status).toBe(404);
    expect((await h.call('GET', '/api/cases', { token: a.vendor })).body.cases.some((x: { id: string }) => x.id === created.id)).toBe(false);
    await putSpec(h, a.secretariat, created.id);
    await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    expect((await h.call('GET', `/api/cases/${created.id}`, { token: a.vendor })).status).toBe(200);
    expect((await h.call('GET', `/api/cases/${created.id}`, { token: b.secretariat })).status).toBe(404);
    expect((await h.call('PATCH', `/api/cases/${created.id}`, { token: b.secretariat, body: { title: '乗っ取り' } })).status).toBe(404);
  });

  it('keep their option catalogue fixed once published', async () => {
    const created = await newCase();
    const early = await h.call('PATCH', `/api/cases/${created.id}`, { token: a.secretariat, body: { options: [{ code: 'x', name: 'X' }], title: '改題' } });
    expect(early.status).toBe(200);
    expect(early.body.case).toMatchObject({ title: '改題', options: [{ code: 'x', name: 'X' }] });
    await putSpec(h, a.secretariat, created.id);
    await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    const late = await h.call('PATCH', `/api/cases/${created.id}`, { token: a.secretariat, body: { options: [] } });
    expect(late.status).toBe(409);
  });
});

describe('participation', () => {
  it('is declared by a member for itself only', async () => {
    const created = await newCase();
    const own = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, {
      token: a.member,
      body: { participating: true, options: { extra: 3 } },
    });
    expect(own.status).toBe(200);
    expect(own.body.participant).toMatchObject({ memberId: a.memberIds[0], participating: true, options: { extra: 3 }, lateJoin: false });
    const other = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, {
      token: a.member,
      body: { participating: true, options: {} },
    });
    expect(other.status).toBe(403);
    const list = await h.call('GET', `/api/cases/${created.id}/participants`, { token: a.secretariat });
    expect(list.body.participants.map((p: { memberId: string }) => p.memberId)).toEqual([a.memberIds[0]]);
  });

  it('refuses options outside the catalogue and negative quantities', async () => {
    const created = await newCase();
    const unknown = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: { nope: true } } });
    expect(unknown.status).toBe(400);
    const negative = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: { extra: -1 } } });
    expect(negative.status).toBe(400);
    expect((await h.call('GET', `/api/cases/${created.id}/participants`, { token: a.secretariat })).body.participants).toEqual([]);
  });

  it('records a late join (後乗り) with its date, and a withdrawal', async () => {
    const created = await newCase();
    await putSpec(h, a.secretariat, created.id);
    await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    h.clock.advance(60_000);
    const joinedAt = h.clock.now().toISOString();
    const late = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: true, options: {} } });
    expect(late.body.participant).toMatchObject({ lateJoin: true, joinedAt, withdrawnAt: null });
    h.clock.advance(60_000);
    const out = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: false, options: {} } });
    expect(out.body.participant).toMatchObject({ participating: false, withdrawnAt: h.clock.now().toISOString() });
    const log = await h.call('GET', `/api/audit?caseId=${created.id}`, { token: a.secretariat });
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['participant.join', 'participant.withdraw']));
  });

  it('cannot be changed on a cancelled case', async () => {
    const created = await newCase();
    await h.call('POST', `/api/cases/${created.id}/transition`, { token: a.secretariat, body: { to: 'cancelled' } });
    const res = await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, { token: a.member, body: { participating: true, options: {} } });
    expect(res.status).toBe(409);
  });
});

describe('apportionment', () => {
  it('previews a join or a withdrawal without saving it', async () => {
    const created = await newCase();
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: { extra: 2 } } });
    const set = await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.secretariat, body: { method: 'equal', total: 1_000_001 } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ method: 'equal', total: 1_000_001, sum: 1_000_001 + 24_000, shares: [{ memberId: a.memberIds[0], base: 1_000_001, optionCharges: 24_000, amount: 1_024_001 }] });

    const withOther = await h.call('GET', `/api/cases/${created.id}/apportionment?with=${a.memberIds[1]}`, { token: a.member });
    expect(withOther.body.preview).toBe(true);
    expect(withOther.body.shares.map((s: { base: number }) => s.base).sort()).toEqual([500_000, 500_001]);
    const without = await h.call('GET', `/api/cases/${created.id}/apportionment?without=${a.memberIds[0]}`, { token: a.member });
    expect(without.body.shares).toEqual([]);

    const saved = await h.call('GET', `/api/cases/${created.id}/apportionment`, { token: a.member });
    expect(saved.body.shares).toHaveLength(1);
    expect(saved.body.preview).toBeUndefined();
    expect((await h.call('GET', `/api/cases/${created.id}/participants`, { token: a.secretariat })).body.participants).toHaveLength(1);
  });

  it('answers 409 apportionment_incomplete naming the members without data', async () => {
    const created = await newCase();
    const incomplete = { code: 'apportionment_incomplete', message: '2024年度の出生数が登録されていない団体があります。', details: { members: ['case-a村'] } };
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: true, options: {} } });
    // a rule the data cannot carry is refused, and not saved
    const refused = await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.secretariat, body: { method: 'births', total: 100 } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject(incomplete);
    expect((await h.call('GET', `/api/cases/${created.id}`, { token: a.secretariat })).body.case.apportionmentMethod).toBeNull();
    // a body without data joining after the rule was saved makes the apportionment incomplete
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: false, options: {} } });
    expect((await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.secretariat, body: { method: 'births', total: 100 } })).status).toBe(200);
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: true, options: {} } });
    const res = await h.call('GET', `/api/cases/${created.id}/apportionment`, { token: a.secretariat });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject(incomplete);
  });

  it('refuses mixed ratios that do not add up to 1, and a rule from a member', async () => {
    const created = await newCase();
    const bad = await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.secretariat, body: { method: 'mixed', total: 100, ratios: { equal: 0.5, population: 0.4 } } });
    expect(bad.status).toBe(400);
    const member = await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.member, body: { method: 'equal', total: 100 } });
    expect(member.status).toBe(403);
    const row = (await h.database.db.select().from(cases)).find((r) => r.id === created.id)!;
    expect(row.apportionment).toBeNull();
  });

  it('downloads as a CSV that opens in Excel', async () => {
    const created = await newCase();
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: { extra: true } } });
    await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.secretariat, body: { method: 'equal', total: 5000 } });
    const res = await h.call('GET', `/api/cases/${created.id}/apportionment.csv`, { token: a.secretariat });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    expect(res.text.startsWith('\uFEFF団体コード,団体名,区分,参加,参加日,後乗り,追加ライセンス,基本負担額,オプション料金,負担額合計\r\n')).toBe(true);
    expect(res.text).toContain('case-a市,市,参加,2026-04-01,,○,5000,12000,17000\r\n');
    expect(res.text).toContain('case-a村,村,不参加');
  });

  it('leaves an option a body did not take empty in the CSV, and shows a quantity as its count', async () => {
    const created = await newCase({ options: [{ code: 'ids', name: '追加ID', kind: 'quantity', price: 1_000 }] });
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[0]}`, { token: a.secretariat, body: { participating: true, options: { ids: 3 } } });
    await h.call('PUT', `/api/cases/${created.id}/participants/${a.memberIds[1]}`, { token: a.secretariat, body: { participating: true, options: { ids: 0 } } });
    await h.call('PUT', `/api/cases/${created.id}/apportionment`, { token: a.secretariat, body: { method: 'equal', total: 5000 } });
    const res = await h.call('GET', `/api/cases/${created.id}/apportionment.csv`, { token: a.secretariat });
    expect(res.status).toBe(200);
    expect(res.text).toContain('case-a市,市,参加,2026-04-01,,3,2500,3000,5500\r\n');
    expect(res.text).toContain('case-a村,村,参加,2026-04-01,,,2500,0,2500\r\n');
  });
});
