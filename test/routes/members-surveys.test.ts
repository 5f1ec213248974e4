import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'ms');
});
afterAll(() => h.close());

const csv = (text: string, encoding: 'utf8' | 'cp932' = 'utf8') =>
  encoding === 'cp932' ? new Uint8Array(iconv.encode(text, 'cp932')) : new TextEncoder().encode(text);

const importCsv = (body: Uint8Array, contentType = 'text/csv', token = a.secretariat) =>
  h.call('POST', '/api/members/import', { token, body, headers: { 'content-type': contentType } });

const memberCount = async () => (await h.database.db.select().from(members)).length;

describe('member import', () => {
  it('imports a Shift_JIS file with the Japanese header and updates bodies already registered', async () => {
    const first = await importCsv(csv('団体名,区分,団体コード,人口,出生数_2024\r\n熊本市,市,431001,737000,5930\r\n五木村,村,435112,950,2\r\n', 'cp932'));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ created: 2, updated: 0, errors: [] });
    const again = await importCsv(csv('\uFEFFname,kind,code,population,births_2025\n熊本市,city,431001,736000,5710\n'));
    expect(again.body).toEqual({ created: 0, updated: 1, errors: [] });
    const list = await h.call('GET', '/api/members', { token: a.secretariat });
    expect(list.body.members.find((m: { code: string }) => m.code === '431001')).toMatchObject({ population: 736_000, births: { '2024': 5930, '2025': 5710 } });
  });

  it('imports nothing when any row is bad, and answers every bad row with its line', async () => {
    const before = await memberCount();
    const res = await importCsv(csv('団体名,区分,団体コード\n良い町,町,434043\n悪い町,町,434044\n,村,\n'));
    expect(res.status).toBe(400);
    expect(res.body.created).toBe(0);
    expect(res.body.errors).toEqual([
      { line: 3, message: '団体コード「434044」の検査数字が正しくありません' },
      { line: 4, message: '団体名が空です' },
    ]);
    expect(res.body.error.code).toBe('validation_error');
    expect(await memberCount()).toBe(before);
  });

  it('refuses JSON, a file over 5 MB, and anyone but the secretariat', async () => {
    const before = await memberCount();
    expect((await h.call('POST', '/api/members/import', { token: a.secretariat, body: { name: 'x' } })).status).toBe(415);
    const huge = new Uint8Array(5 * 1024 * 1024 + 1).fill(0x41);
    expect((await importCsv(huge)).status).toBe(413);
    expect((await importCsv(csv('団体名,区分\nx,市\n'), 'text/csv', a.member)).status).toBe(403);
    expect(await memberCount()).toBe(before);
  });
});

describe('surveys', () => {
  let surveyId: string;

  it('are created with default points 2/1 and threshold 1/4', async () => {
    const res = await h.call('POST', '/api/surveys', {
      token: a.secretariat,
      body: { title: '意向調査', candidates: [{ code: 'a', name: 'システムA' }, { code: 'b', name: 'システムB' }], closesAt: '2026-04-30T17:00:00.000+09:00' },
    });
    expect(res.status).toBe(201);
    expect(res.body.survey).toMatchObject({ points: [2, 1], threshold: 0.25, closed: false });
    surveyId = res.body.survey.id;
  });

  it('let a member answer for itself only, and change its answer', async () => {
    const own = await h.call('PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[0]}`, { token: a.member, body: { ranking: ['b', 'a'], intents: { b: 'join' } } });
    expect(own.status).toBe(200);
    const changed = await h.call('PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[0]}`, { token: a.member, body: { ranking: ['a'], intents: { a: 'study' } } });
    expect(changed.body.response).toMatchObject({ ranking: ['a'], intents: { a: 'study' } });
    const other = await h.call('PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[1]}`, { token: a.member, body: { ranking: ['a'] } });
    expect(other.status).toBe(403);
    expect((await h.call('GET', `/api/surveys/${surveyId}/responses/${a.memberIds[1]}`, { token: a.member })).status).toBe(403);
    const results = await h.call('GET', `/api/surveys/${surveyId}/results`, { token: a.member });
    expect(results.body.results.map((r: { code: string; points: number }) => [r.code, r.points])).toEqual([['a', 2], ['b', 0]]);
  });

  it('refuse codes that are not candidates', async () => {
    const res = await h.call('PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[0]}`, { token: a.member, body: { ranking: ['z'] } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('候補にないコード');
  });

  it('are not visible to vendors or evaluators', async () => {
    expect((await h.call('GET', `/api/surveys/${surveyId}`, { token: a.vendor })).status).toBe(403);
    expect((await h.call('GET', '/api/surveys', { token: a.evaluator })).status).toBe(403);
  });

  it('refuse answers from the closing time on with 409', async () => {
    h.clock.set('2026-04-30T17:00:00.000+09:00');
    const token = await h.login('member-ms@test.example');
    const res = await h.call('PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[0]}`, { token, body: { ranking: ['b'] } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('survey_closed');
    const response = await h.call('GET', `/api/surveys/${surveyId}/responses/${a.memberIds[0]}`, { token });
    expect(response.body.response.ranking).toEqual(['a']);
  });
});
