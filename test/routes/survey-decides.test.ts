import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseYears, participants } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

// From the survey to the case: a candidate decided as a case with the members who intend to join,
// the 政策性 exception below the threshold, the two-stage survey of 大阪府 and the yearly
// 次年度参加意向調査 that adds members to a running case.

let h: Harness;
let a: Tenant;
let b: Tenant;
/** eight member bodies: the tenant's two and six more; the threshold of 1/4 needs two "join" answers */
let m: string[];

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'sd');
  b = await createTenant(h, 'sd-other');
  m = [...a.memberIds];
  for (let i = 0; i < 6; i++) {
    const res = await h.call('POST', '/api/members', { token: a.secretariat, body: { name: `意向町${i}`, kind: 'town', population: 3000 } });
    expect(res.status, res.text).toBe(201);
    m.push(res.body.member.id);
  }
});
afterAll(() => h.close());

const sec = () => a.secretariat;
const answer = (surveyId: string, memberId: string, body: unknown, token = a.secretariat) => h.call('PUT', `/api/surveys/${surveyId}/responses/${memberId}`, { token, body });
const participantRows = async (caseId: string) =>
  (await h.database.db.select().from(participants).where(eq(participants.caseId, caseId))).sort((x, y) => m.indexOf(x.memberId) - m.indexOf(y.memberId));

describe('a survey candidate becomes a case', () => {
  let surveyId: string;

  beforeAll(async () => {
    const res = await h.call('POST', '/api/surveys', {
      token: sec(),
      body: { title: '令和8年度 共同調達の意向調査', candidates: [{ code: 'ai', name: 'AI議事録作成システム' }, { code: 'chat', name: 'ビジネスチャット' }] },
    });
    expect(res.status, res.text).toBe(201);
    surveyId = res.body.survey.id;
    expect((await answer(surveyId, m[0]!, { ranking: ['ai'], intents: { ai: 'join', chat: 'study' } }, a.member)).status).toBe(200);
    expect((await answer(surveyId, m[1]!, { ranking: ['ai', 'chat'], intents: { ai: 'join', chat: 'join' } })).status).toBe(200);
    expect((await answer(surveyId, m[2]!, { ranking: ['ai'], intents: { ai: 'study' } })).status).toBe(200);
  });

  it('makes the members answering "join" provisional participants from the case year, in one step', async () => {
    const res = await h.call('POST', `/api/surveys/${surveyId}/candidates/ai/case`, { token: sec(), body: { title: 'AI議事録作成システムの共同調達', method: 'proposal', fiscalYear: 2027 } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.case).toMatchObject({ title: 'AI議事録作成システムの共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: 2027, state: 'draft', sourceSurveyId: surveyId, sourceCandidateCode: 'ai', thresholdException: null });
    expect(res.body.participants.map((p: { memberId: string }) => p.memberId)).toEqual([m[0], m[1]]);
    const rows = await participantRows(res.body.case.id);
    expect(rows.map((r) => ({ memberId: r.memberId, participating: r.participating, provisional: r.provisional, fromFiscalYear: r.fromFiscalYear }))).toEqual([
      { memberId: m[0], participating: true, provisional: true, fromFiscalYear: 2027 },
      { memberId: m[1], participating: true, provisional: true, fromFiscalYear: 2027 },
    ]);
    const listed = await h.call('GET', `/api/cases/${res.body.case.id}/participants`, { token: sec() });
    expect(listed.status).toBe(200);
    // the results name the case made from the candidate
    const results = await h.call('GET', `/api/surveys/${surveyId}/results`, { token: a.member });
    expect(results.body.results.find((r: { code: string }) => r.code === 'ai').case).toEqual({ id: res.body.case.id, title: 'AI議事録作成システムの共同調達', thresholdException: null });
  });

  it('refuses a second case from the same candidate with 409 and writes nothing', async () => {
    const res = await h.call('POST', `/api/surveys/${surveyId}/candidates/ai/case`, { token: sec(), body: { title: '二度目', method: 'proposal' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    const cases = await h.call('GET', '/api/cases', { token: sec() });
    expect(cases.body.cases.filter((c: { title: string }) => c.title === '二度目')).toEqual([]);
  });

  it('below the threshold asks for the reason (409 below_threshold), then records it as the 政策性 exception', async () => {
    // chat: one "join" of eight members = 12.5% < 25%
    const refused = await h.call('POST', `/api/surveys/${surveyId}/candidates/chat/case`, { token: sec(), body: { title: 'ビジネスチャットの共同調達', method: 'competitive_bid', contractMode: 'individual' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('below_threshold');
    expect(refused.body.error.details).toEqual({ intending: 1, members: 8, threshold: 0.25 });
    expect(refused.body.error.message).toContain('理由');

    const reason = '県のDX推進計画に基づき、参加団体が少なくても先行して導入する（政策性）';
    const made = await h.call('POST', `/api/surveys/${surveyId}/candidates/chat/case`, {
      token: sec(),
      body: { title: 'ビジネスチャットの共同調達', method: 'competitive_bid', contractMode: 'individual', reason },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body.case).toMatchObject({ thresholdException: reason, sourceCandidateCode: 'chat', contractMode: 'individual', fiscalYear: 2026 });
    expect((await participantRows(made.body.case.id)).map((r) => r.memberId)).toEqual([m[1]]);

    const results = await h.call('GET', `/api/surveys/${surveyId}/results`, { token: sec() });
    expect(results.body.results.find((r: { code: string }) => r.code === 'chat').case).toMatchObject({ id: made.body.case.id, thresholdException: reason });
    const audit = await h.call('GET', `/api/audit?caseId=${made.body.case.id}`, { token: sec() });
    const decision = audit.body.entries.find((e: { action: string }) => e.action === 'survey.decide_below_threshold');
    expect(decision.details).toMatchObject({ thresholdException: reason, intending: 1, members: 8 });
    // and the case itself says so to whoever opens it
    const casePage = await h.page(await h.cookieFor('sec-sd@test.example'), `/cases/${made.body.case.id}`);
    expect(casePage.text).toContain(`参加意向が基準に達しない中、政策的に実施: ${reason}`);
  });

  it('checks the case fields as a new case does, and refuses an unknown candidate, another role and another consortium', async () => {
    const bad = await h.call('POST', `/api/surveys/${surveyId}/candidates/ai/case`, { token: sec(), body: { title: '', method: 'auction' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['method', 'title']);
    expect((await h.call('POST', `/api/surveys/${surveyId}/candidates/zz/case`, { token: sec(), body: { title: 'x', method: 'proposal' } })).status).toBe(404);
    expect((await h.call('POST', `/api/surveys/${surveyId}/candidates/ai/case`, { token: a.member, body: { title: 'x', method: 'proposal' } })).status).toBe(403);
    expect((await h.call('POST', `/api/surveys/${surveyId}/candidates/ai/case`, { token: b.secretariat, body: { title: 'x', method: 'proposal' } })).status).toBe(404);
  });
});

describe('a candidate decided as a 随意契約', () => {
  it('takes the ground and reason as a new case does, and refuses the method without them', async () => {
    const created = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '保守業務の意向調査', candidates: [{ code: 'keep', name: '既存システムの保守' }], threshold: 0 } });
    const id = created.body.survey.id as string;
    const bare = await h.call('POST', `/api/surveys/${id}/candidates/keep/case`, { token: sec(), body: { title: '既存システムの保守', method: 'negotiated' } });
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['negotiatedGround', 'negotiatedReason']);
    const made = await h.call('POST', `/api/surveys/${id}/candidates/keep/case`, {
      token: sec(),
      body: { title: '既存システムの保守', method: 'negotiated', negotiatedGround: '2', negotiatedReason: '保守できる者が開発者に限られるため' },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body.case).toMatchObject({ method: 'negotiated', negotiatedGround: '2', negotiatedReason: '保守できる者が開発者に限られるため', sourceCandidateCode: 'keep' });
  });
});

describe('the two-stage survey (大阪府)', () => {
  let surveyId: string;

  it('starts with no candidates and takes proposals from members, with codes the service gives', async () => {
    const created = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '共同調達する業務システムの調査', stage: 'proposals' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.survey).toMatchObject({ stage: 'proposals', candidates: [], points: [2, 1] });
    surveyId = created.body.survey.id;

    const own = await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: a.member, body: { name: '文書管理・電子決裁システム', note: '紙の決裁をなくしたい' } });
    expect(own.status, own.text).toBe(201);
    expect(own.body.candidate).toEqual({ code: 'P1', name: '文書管理・電子決裁システム', proposedBy: m[0], note: '紙の決裁をなくしたい' });
    const forMember = await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: sec(), body: { name: '電子申請システム', memberId: m[1] } });
    expect(forMember.body.candidate).toMatchObject({ code: 'P2', proposedBy: m[1] });
    const ofSecretariat = await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: sec(), body: { name: 'チャットツール' } });
    expect(ofSecretariat.body.candidate).toEqual({ code: 'P3', name: 'チャットツール' });
  });

  it('refuses a proposal in another body\'s name, the same system twice, and a code chosen by the caller', async () => {
    expect((await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: a.member, body: { name: '別の提案', memberId: m[1] } })).status).toBe(403);
    const twice = await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: a.member, body: { name: '電子申請 システム' } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('conflict');
    const coded = await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: sec(), body: { name: '勝手なコード', code: 'X1' } });
    expect(coded.status).toBe(400);
    expect(coded.body.error.message).toContain('code');
  });

  it('refuses rankings and cases while candidates are being proposed (409 survey_stage)', async () => {
    const ranked = await answer(surveyId, m[0]!, { ranking: ['P1'] }, a.member);
    expect(ranked.status).toBe(409);
    expect(ranked.body.error.code).toBe('survey_stage');
    const decided = await h.call('POST', `/api/surveys/${surveyId}/candidates/P1/case`, { token: sec(), body: { title: 'x', method: 'proposal', reason: 'x' } });
    expect(decided.body.error.code).toBe('survey_stage');
  });

  it('keeps the shortlisted candidates and moves to ranking; then refuses proposals and a second shortlist', async () => {
    const unknown = await h.call('POST', `/api/surveys/${surveyId}/shortlist`, { token: sec(), body: { codes: ['P1', 'P9'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('P9');
    expect((await h.call('POST', `/api/surveys/${surveyId}/shortlist`, { token: a.member, body: { codes: ['P1'] } })).status).toBe(403);

    const res = await h.call('POST', `/api/surveys/${surveyId}/shortlist`, { token: sec(), body: { codes: ['P1', 'P2'], reason: '提案の多い2件に絞る' } });
    expect(res.status, res.text).toBe(200);
    const audit = await h.call('GET', '/api/audit', { token: sec() });
    expect(audit.body.entries.find((e: { action: string }) => e.action === 'survey.shortlist').details).toMatchObject({ kept: ['P1', 'P2'], dropped: ['P3'], reason: '提案の多い2件に絞る' });
    expect(res.body.survey.stage).toBe('ranking');
    expect(res.body.survey.candidates.map((c: { code: string }) => c.code)).toEqual(['P1', 'P2']);

    const again = await h.call('POST', `/api/surveys/${surveyId}/shortlist`, { token: sec(), body: { codes: ['P1'] } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('survey_stage');
    const late = await h.call('POST', `/api/surveys/${surveyId}/candidates`, { token: a.member, body: { name: '遅れた提案' } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('survey_stage');
  });

  it('totals the ranking as 1位 2点, 2位 1点 and shows who proposed each candidate', async () => {
    expect((await answer(surveyId, m[0]!, { ranking: ['P2', 'P1'], intents: { P1: 'join', P2: 'join' } }, a.member)).status).toBe(200);
    expect((await answer(surveyId, m[1]!, { ranking: ['P1', 'P2'], intents: { P1: 'join' } })).status).toBe(200);
    expect((await answer(surveyId, m[2]!, { ranking: ['P1'], intents: { P1: 'study' } })).status).toBe(200);
    const results = await h.call('GET', `/api/surveys/${surveyId}/results`, { token: a.member });
    expect(results.body.results.map((r: Record<string, unknown>) => [r.code, r.points, r.firstChoices, r.proposedBy, r.proposedByName])).toEqual([
      ['P1', 5, 2, m[0], 'sd市'],
      ['P2', 3, 1, m[1], 'sd村'],
    ]);
  });

  it('refuses a 1位 the same answer marks as not joining (400 with a Japanese message)', async () => {
    const res = await answer(surveyId, m[3]!, { ranking: ['P2', 'P1'], intents: { P2: 'none', P1: 'join' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toContain('1位');
    expect(res.body.error.message).toContain('参加しない');
    // second place for a system it will not join is an opinion, not a contradiction
    expect((await answer(surveyId, m[3]!, { ranking: ['P1', 'P2'], intents: { P2: 'none', P1: 'join' } })).status).toBe(200);
  });
});

describe('the yearly 次年度参加意向調査 of a running case', () => {
  let caseId: string;
  let surveyId: string;

  beforeAll(async () => {
    const created = await h.call('POST', '/api/cases', { token: sec(), body: { title: '子育て支援アプリの共同利用', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    expect(created.status, created.text).toBe(201);
    caseId = created.body.case.id;
    // m[4] takes part already
    expect((await h.call('PUT', `/api/cases/${caseId}/participants/${m[4]}`, { token: sec(), body: { participating: true, options: {} } })).status).toBe(200);
  });

  it('links a survey to a case of the consortium: both the case and the target year, or neither', async () => {
    const onlyCase = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '次年度参加意向', caseId } });
    expect(onlyCase.status).toBe(400);
    const onlyYear = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '次年度参加意向', targetFiscalYear: 2027, candidates: [{ code: 'x', name: 'x' }] } });
    expect(onlyYear.status).toBe(400);
    expect((await h.call('POST', '/api/surveys', { token: sec(), body: { title: '次年度参加意向', caseId: 'no-such-case', targetFiscalYear: 2027 } })).status).toBe(404);
    expect((await h.call('POST', '/api/surveys', { token: b.secretariat, body: { title: '次年度参加意向', caseId, targetFiscalYear: 2027 } })).status).toBe(404);

    const res = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '令和9年度 参加意向調査', caseId, targetFiscalYear: 2027 } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.survey).toMatchObject({ caseId, targetFiscalYear: 2027, stage: 'ranking', candidates: [{ code: 'join', name: '子育て支援アプリの共同利用' }] });
    surveyId = res.body.survey.id;
  });

  it('confirms the members answering "join" as participants from the target year; those already in are left as they are', async () => {
    for (const [memberId, intent] of [
      [m[4]!, 'join'],
      [m[5]!, 'join'],
      [m[6]!, 'study'],
    ] as const) {
      expect((await answer(surveyId, memberId, { intents: { join: intent } })).status).toBe(200);
    }
    const before = (await participantRows(caseId)).find((r) => r.memberId === m[4]);
    const res = await h.call('POST', `/api/surveys/${surveyId}/confirm`, { token: sec() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ confirmed: [m[5]], alreadyParticipating: [m[4]] });
    const rows = await participantRows(caseId);
    expect(rows.find((r) => r.memberId === m[4])).toEqual(before);
    expect(rows.find((r) => r.memberId === m[5])).toMatchObject({ participating: true, provisional: false, lateJoin: true, fromFiscalYear: 2027, joinedAt: h.clock.now() });

    // the secretariat may name the members itself
    const named = await h.call('POST', `/api/surveys/${surveyId}/confirm`, { token: sec(), body: { memberIds: [m[6], m[5]] } });
    expect(named.body).toEqual({ confirmed: [m[6]], alreadyParticipating: [m[5]] });
    expect((await h.call('POST', `/api/surveys/${surveyId}/confirm`, { token: sec(), body: { memberIds: [b.memberIds[0]] } })).status).toBe(404);
    const audit = await h.call('GET', `/api/audit?caseId=${caseId}`, { token: sec() });
    expect(audit.body.entries.filter((e: { action: string }) => e.action === 'survey.confirm')).toHaveLength(2);
  });

  it('refuses to add participants to a closed year (409 year_closed), and refuses a survey linked to no case', async () => {
    await h.database.db.insert(caseYears).values({ caseId, fiscalYear: 2027, closedAt: h.clock.now() });
    const res = await h.call('POST', `/api/surveys/${surveyId}/confirm`, { token: sec(), body: { memberIds: [m[7]] } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('year_closed');
    expect(await h.database.db.select().from(participants).where(and(eq(participants.caseId, caseId), eq(participants.memberId, m[7]!)))).toEqual([]);

    const plain = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '案件に紐づかない調査', candidates: [{ code: 'x', name: 'X' }] } });
    const unlinked = await h.call('POST', `/api/surveys/${plain.body.survey.id}/confirm`, { token: sec() });
    expect(unlinked.status).toBe(409);
    expect((await h.call('POST', `/api/surveys/${surveyId}/confirm`, { token: a.member })).status).toBe(403);
  });
});

describe('unknown fields', () => {
  it('are refused by name on every body of these routes', async () => {
    const created = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '確認用', stage: 'proposals' } });
    const id = created.body.survey.id as string;
    const cases: [string, unknown][] = [
      ['/api/surveys', { title: 'x', stage: 'proposals', extra: 1 }],
      [`/api/surveys/${id}/candidates`, { name: '提案', proposedBy: m[1] }],
      [`/api/surveys/${id}/shortlist`, { codes: ['P1'], stage: 'ranking' }],
      [`/api/surveys/${id}/candidates/P1/case`, { title: 'x', method: 'proposal', participants: [] }],
      [`/api/surveys/${id}/confirm`, { memberIds: [], fiscalYear: 2027 }],
    ];
    for (const [path, body] of cases) {
      const res = await h.call('POST', path, { token: sec(), body });
      expect(res.status, `${path} ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toContain('受け付けていません');
    }
  });
});

describe('pages', () => {
  let secCookie: string;
  let memberCookie: string;

  beforeAll(async () => {
    secCookie = await h.cookieFor('sec-sd@test.example');
    memberCookie = await h.cookieFor('member-sd@test.example');
  });

  it('offer a case form per candidate, the reason required below the threshold, and show the exception beside the candidate', async () => {
    const created = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '画面の確認', candidates: [{ code: 'web', name: 'Web会議システム' }, { code: 'rpa', name: 'RPAツール' }] } });
    const id = created.body.survey.id as string;
    for (const memberId of [m[0]!, m[1]!]) expect((await answer(id, memberId, { ranking: ['web'], intents: { web: 'join' } })).status).toBe(200);
    const page = await h.page(secCookie, `/surveys/${id}`);
    expect(page.status).toBe(200);
    expect(page.text.match(/この候補で調達案件を作成/g)).toHaveLength(2);
    expect(page.text).toContain('value="Web会議システム"');
    // only the candidate below the threshold asks for a reason, as a required field with a label
    expect(page.text).toContain('<label for="case-rpa-reason">');
    expect(page.text).toMatch(/<textarea id="case-rpa-reason" name="reason"[^>]*required/);
    expect(page.text).not.toContain('case-web-reason');

    const refused = await h.form(secCookie, `/surveys/${id}/candidates/rpa/case`, { title: 'RPAツールの共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: '2026', reason: '' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('理由を入力してください');
    const made = await h.form(secCookie, `/surveys/${id}/candidates/rpa/case`, { title: 'RPAツールの共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: '2026', reason: '業務改革の先行事例とする' });
    expect(made.status, made.text.slice(0, 300)).toBe(303);
    expect(made.headers.get('location')).toMatch(/^\/cases\//);
    const after = await h.page(secCookie, `/surveys/${id}`);
    expect(after.text).toContain('RPAツールの共同調達');
    expect(after.text).toContain('業務改革の先行事例とする');
    expect(after.text.match(/この候補で調達案件を作成/g)).toHaveLength(1);
    // members see the case and the reason too, but no form
    const seenByMember = await h.page(memberCookie, `/surveys/${id}`);
    expect(seenByMember.text).toContain('業務改革の先行事例とする');
    expect(seenByMember.text).not.toContain('この候補で調達案件を作成');
  });

  it('let members propose in the first stage and the secretariat shortlist with checkboxes', async () => {
    const created = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '画面からの二段階調査', stage: 'proposals' } });
    const id = created.body.survey.id as string;
    const memberPage = await h.page(memberCookie, `/surveys/${id}`);
    expect(memberPage.text).toContain('<label for="p-name">');
    expect(memberPage.text).not.toContain('候補の絞り込み');
    for (const name of ['公共施設予約システム', '電子契約システム']) {
      const res = await h.form(memberCookie, `/surveys/${id}/candidates`, { name, note: '窓口の負担を減らしたい' });
      expect(res.status).toBe(303);
    }
    const secPage = await h.page(secCookie, `/surveys/${id}`);
    expect(secPage.text).toContain('公共施設予約システム');
    expect(secPage.text).toContain('sd市');
    expect(secPage.text).toMatch(/<input type="checkbox" name="codes" value="P2"/);
    const none = await h.form(secCookie, `/surveys/${id}/shortlist`, {});
    expect(none.status).toBe(400);
    const res = await h.form(secCookie, `/surveys/${id}/shortlist`, [['codes', 'P2']]);
    expect(res.status).toBe(303);
    const survey = await h.call('GET', `/api/surveys/${id}`, { token: sec() });
    expect(survey.body.survey).toMatchObject({ stage: 'ranking', candidates: [{ code: 'P2', name: '電子契約システム', proposedBy: m[0] }] });
    // now the member ranks, and the 1位 rule speaks on the page too
    const refused = await h.form(memberCookie, `/surveys/${id}/answer`, { ranking: 'P2', intent_P2: 'none' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('1位');
  });

  it('confirm the members of a yearly survey from the form', async () => {
    const made = await h.call('POST', '/api/cases', { token: sec(), body: { title: '電子図書館の共同利用', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    const caseId = made.body.case.id as string;
    const created = await h.call('POST', '/api/surveys', { token: sec(), body: { title: '電子図書館 次年度参加意向', caseId, targetFiscalYear: 2027 } });
    const id = created.body.survey.id as string;
    expect((await answer(id, m[2]!, { intents: { join: 'join' } })).status).toBe(200);
    expect((await answer(id, m[3]!, { intents: { join: 'study' } })).status).toBe(200);
    const page = await h.page(secCookie, `/surveys/${id}`);
    expect(page.text).toContain('参加団体として確定');
    expect(page.text).toMatch(new RegExp(`<input type="checkbox" name="memberIds" value="${m[2]}" checked`));
    expect(page.text).not.toMatch(new RegExp(`<input type="checkbox" name="memberIds" value="${m[3]}" checked`));
    const res = await h.form(secCookie, `/surveys/${id}/confirm`, [['memberIds', m[2]!]]);
    expect(res.status).toBe(303);
    expect((await h.page(secCookie, res.headers.get('location')!)).text).toContain('1団体を参加団体として確定しました');
    expect((await participantRows(caseId)).map((r) => [r.memberId, r.fromFiscalYear, r.lateJoin])).toEqual([[m[2], 2027, true]]);
    expect((await h.page(memberCookie, `/surveys/${id}`)).text).not.toContain('参加団体として確定');
  });
});
