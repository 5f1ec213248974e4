import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, questions } from '../../schema/index.ts';
import { Scratch, assertPdfToolsInstalled, rawText } from '../documents/pdf-tools.ts';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { issuerSettingsBody } from '../helpers/issued-documents.ts';

// 質問・回答: questions until the 質問受付期限, answers worded by the secretariat and published to everyone
// (and the public) without naming who asked, and the 質問回答書 issued, numbered and frozen, with each publication.

let h: Harness;
let a: Tenant;
let caseId: string;
let vendorUserId: string;
const scratch = new Scratch();
const DEADLINE = '2026-05-15T17:00:00.000+09:00';
const ASKED = '弊社製品「キタカゼ文書」の既存データ（約30万件）の移行は範囲に含まれますか。';
const REWORDED = '既存システムのデータ移行は業務の範囲に含まれますか。';
const ANSWER = '含みます。移行対象は仕様書別紙2のとおりです。';
const CORRECTED = '含みます。移行対象と件数は仕様書別紙2（令和8年5月改訂）のとおりです。';

const ask = (token: string, body: unknown, id = caseId) => h.call('POST', `/api/cases/${id}/questions`, { token, body });
const list = (token: string) => h.call('GET', `/api/cases/${caseId}/questions`, { token });
const stored = async () => h.database.db.select().from(questions).where(eq(questions.caseId, caseId));

/** A vendor that registered itself and is still waiting for the secretariat's approval. */
async function pendingVendor() {
  const res = await h.call('POST', '/api/vendors/register', {
    body: { consortiumId: a.consortiumId, companyName: '審査待ち株式会社', email: 'pending@questions.example', name: '担当', password: PASSWORD },
  });
  expect(res.status, res.text).toBe(201);
  return h.login('pending@questions.example');
}

/** The text layer of an issued PDF, whitespace removed. */
async function pdfText(url: string, token?: string) {
  const res = await h.call('GET', url, token ? { token } : {});
  expect(res.status, `${url}: ${res.text.slice(0, 200)}`).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  return rawText(scratch.write(`qa-${Math.random().toString(16).slice(2)}.pdf`, res.bytes));
}
const squeezed = (s: string) => s.replace(/\s+/g, '');

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness();
  a = await createTenant(h, 'qa');
  expect((await h.call('PUT', '/api/consortium/settings', { token: a.secretariat, body: issuerSettingsBody })).status).toBe(200);
  const created = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: '文書管理システムの共同調達', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-06-30T17:00:00.000+09:00' },
  });
  caseId = created.body.case.id;
  expect((await h.call('PUT', `/api/cases/${caseId}/participants/${a.memberIds[0]}`, { token: a.member, body: { participating: true, options: {} } })).status).toBe(200);
  await putSpec(h, a.secretariat, caseId);
  expect((await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } })).status).toBe(200);
  vendorUserId = (await h.call('GET', '/api/me', { token: a.vendor })).body.user.id;
}, 60_000);
afterAll(async () => {
  scratch.remove();
  await h.close();
});

describe('asking', () => {
  it('takes no question before a 質問受付期限 is set', async () => {
    const res = await ask(a.vendor, { text: ASKED });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'not_yet', message: '質問受付期限が設定されていません。' });
    const set = await h.call('PATCH', `/api/cases/${caseId}`, { token: a.secretariat, body: { questionDeadline: DEADLINE, reason: '質問の受付を始めるため' } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.case.questionDeadline).toBe(new Date(DEADLINE).toISOString());
  });

  it('takes an approved vendor\'s question, follows the case for it and tells the secretariat', async () => {
    const res = await ask(a.vendor, { text: ASKED, section: '仕様書 第3 2(1)' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.question).toMatchObject({ no: 1, section: '仕様書 第3 2(1)', question: ASKED, mine: true, status: 'pending' });
    expect((await h.call('GET', `/api/cases/${caseId}/follow`, { token: a.vendor })).body).toEqual({ following: true });
    const told = await h.database.db.select().from(notifications).where(eq(notifications.kind, 'question_received'));
    expect(told.map((n) => n.link)).toEqual([`/cases/${caseId}/questions`]);
  });

  it('refuses a vendor not yet approved with 403 not_qualified, and stores nothing', async () => {
    const before = (await stored()).length;
    const res = await ask(await pendingVendor(), { text: '審査中ですが質問します。' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('not_qualified');
    expect((await stored()).length).toBe(before);
  });

  it('takes a question from a body taking part, and refuses one from a body that is not', async () => {
    const res = await ask(a.member, { text: '参加団体として確認します。帳票の様式は指定できますか。' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.question.no).toBe(2);
    await h.call('POST', '/api/users', { token: a.secretariat, body: { email: 'village@questions.example', name: '村の担当', role: 'member', password: PASSWORD, memberId: a.memberIds[1] } });
    const outsider = await ask(await h.login('village@questions.example'), { text: '参加していない団体の質問' });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('forbidden');
  });

  it('refuses an empty question with the field named', async () => {
    const res = await ask(a.vendor, { text: '  ' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'text', message: '質問を入力してください' }));
  });
});

describe('answers before publication', () => {
  it('shows a vendor its own question as pending, and nothing of another vendor\'s', async () => {
    const own = await list(a.vendor);
    expect(own.body.questions).toEqual([expect.objectContaining({ no: 1, question: ASKED, mine: true, status: 'pending' })]);
    const other = await list(a.otherVendor);
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ questionDeadline: new Date(DEADLINE).toISOString(), questions: [] });
    expect(other.text).not.toContain('キタカゼ');
  });

  it('shows the secretariat every question with who asked', async () => {
    const res = await list(a.secretariat);
    expect(res.body.questions.map((q: { no: number; asker: { kind: string; id: string }; status: string }) => [q.no, q.asker.kind, q.asker.id, q.status])).toEqual([
      [1, 'vendor', a.vendorId, 'pending'],
      [2, 'member', a.memberIds[0], 'pending'],
    ]);
  });

  it('refuses to publish while nothing is answered', async () => {
    const res = await h.call('POST', `/api/cases/${caseId}/questions/publish`, { token: a.secretariat });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_yet');
  });

  it('keeps an answer from the asker until it is published to everyone', async () => {
    const [first] = (await list(a.secretariat)).body.questions;
    const res = await h.call('PUT', `/api/cases/${caseId}/questions/${first.id}`, { token: a.secretariat, body: { answer: ANSWER, publishedText: REWORDED } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.question).toMatchObject({ status: 'answered', text: ASKED, publishedText: REWORDED, question: REWORDED, answer: ANSWER });
    const own = await list(a.vendor);
    expect(own.body.questions).toEqual([expect.objectContaining({ mine: true, status: 'answered' })]);
    expect(own.text).not.toContain(ANSWER);
  });
});

describe('publication and the 質問回答書', () => {
  let firstPdf: string;

  it('publishes the answered questions and issues the 質問回答書 as 第1版', async () => {
    const res = await h.call('POST', `/api/cases/${caseId}/questions/publish`, { token: a.secretariat });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ published: 1, document: { kind: 'question-answers', title: '質問回答書', version: 1, number: expect.stringMatching(/^熊DX協第\d+号$/) } });
    const told = await h.database.db.select().from(notifications).where(eq(notifications.kind, 'answers_published'));
    expect(told.length).toBeGreaterThan(0);
  });

  it('shows every vendor the published answer in its published wording, never who asked', async () => {
    for (const token of [a.otherVendor, a.vendor, a.member]) {
      const res = await list(token);
      const published = res.body.questions.filter((q: { mine?: boolean }) => !q.mine);
      expect(published).toEqual([{ no: 1, section: '仕様書 第3 2(1)', question: REWORDED, answer: ANSWER, publishedAt: expect.any(String) }]);
      for (const secret of [a.vendorId, `qa事業者1`, vendorUserId, 'vendorId', 'memberId', 'askedBy', 'キタカゼ']) expect(res.text, `${secret} in ${res.text}`).not.toContain(secret);
    }
  });

  it('prints the published wording and the answer in the 質問回答書, not the question as asked nor who asked', async () => {
    firstPdf = await pdfText(`/api/cases/${caseId}/documents/question-answers/1.pdf`, a.otherVendor);
    expect(firstPdf).toContain('質問回答書');
    expect(firstPdf).toContain(squeezed('文書管理システムの共同調達'));
    expect(firstPdf).toContain(squeezed(REWORDED));
    expect(firstPdf).toContain(squeezed(ANSWER));
    expect(firstPdf).toContain('仕様書第32(1)');
    expect(firstPdf).not.toContain('キタカゼ');
    expect(firstPdf).not.toContain('qa事業者1');
    // the latest issue is what vendors download by name
    expect(await pdfText(`/api/cases/${caseId}/documents/question-answers.pdf`, a.vendor)).toBe(firstPdf);
  });

  it('shows the public the published questions and answers, and lets it read the 質問回答書', async () => {
    const res = await h.call('GET', `/api/public/cases/${caseId}`);
    expect(res.body.case.questions).toEqual([{ no: 1, section: '仕様書 第3 2(1)', question: REWORDED, answer: ANSWER, publishedAt: expect.any(String) }]);
    expect(res.body.case.documents.map((d: { name: string }) => d.name)).toContain('質問回答書');
    for (const secret of [a.vendorId, 'qa事業者1', 'キタカゼ']) expect(res.text).not.toContain(secret);
    expect(await pdfText(`/api/public/cases/${caseId}/documents/question-answers.pdf`)).toBe(firstPdf);
    const page = await h.call('GET', `/public/cases/${caseId}`);
    expect(page.text).toContain(REWORDED);
    expect(page.text).toContain(ANSWER);
    expect(page.text).not.toContain('qa事業者1');
  });

  it('withdraws a corrected answer until it is published again, which issues 第2版; 第1版 stays as issued', async () => {
    const [first] = (await list(a.secretariat)).body.questions;
    // saving the same answer again changes nothing
    const same = await h.call('PUT', `/api/cases/${caseId}/questions/${first.id}`, { token: a.secretariat, body: { answer: ANSWER } });
    expect(same.body.question.status).toBe('published');
    const corrected = await h.call('PUT', `/api/cases/${caseId}/questions/${first.id}`, { token: a.secretariat, body: { answer: CORRECTED } });
    expect(corrected.body.question).toMatchObject({ status: 'answered', publishedAt: null, question: REWORDED });
    expect((await list(a.otherVendor)).body.questions).toEqual([]);
    const again = await h.call('POST', `/api/cases/${caseId}/questions/publish`, { token: a.secretariat });
    expect(again.body).toMatchObject({ published: 1, document: { version: 2 } });
    const second = await pdfText(`/api/cases/${caseId}/documents/question-answers/2.pdf`, a.vendor);
    expect(second).toContain(squeezed(CORRECTED));
    expect(second).not.toContain(squeezed(ANSWER));
    expect(await pdfText(`/api/cases/${caseId}/documents/question-answers/1.pdf`, a.vendor)).toBe(firstPdf);
    expect((await list(a.otherVendor)).body.questions).toEqual([expect.objectContaining({ no: 1, answer: CORRECTED })]);
  });
});

describe('pages, without JavaScript', () => {
  let vendorCookie: string;
  let secretariatCookie: string;

  beforeAll(async () => {
    vendorCookie = await h.cookieFor('vendor2-qa@test.example');
    secretariatCookie = await h.cookieFor('sec-qa@test.example');
  });

  it('link the questions from the case page, with the 質問受付期限', async () => {
    for (const cookie of [vendorCookie, secretariatCookie]) {
      const page = await h.page(cookie, `/cases/${caseId}`);
      expect(page.text).toContain(`href="/cases/${caseId}/questions"`);
      expect(page.text).toContain('質問受付期限');
    }
  });

  it('let a vendor ask through the form and see its question waiting', async () => {
    const page = await h.page(vendorCookie, `/cases/${caseId}/questions`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="question-text">質問</label>');
    expect(page.text).toContain('<label for="question-section">該当箇所（任意）</label>');
    const empty = await h.form(vendorCookie, `/cases/${caseId}/questions`, { section: '', text: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('質問を入力してください');
    const posted = await h.form(vendorCookie, `/cases/${caseId}/questions`, { section: '仕様書 第5', text: '研修の回数に\r\n上限はありますか。' });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/cases/${caseId}/questions?done=asked#own-heading`);
    const after = await h.page(vendorCookie, `/cases/${caseId}/questions`);
    expect(after.text).toContain('回答待ち');
    expect(after.text).toContain('研修の回数に\n上限はありますか。');
    // the published one is there too, without who asked
    expect(after.text).toContain(CORRECTED);
    expect(after.text).not.toContain('qa事業者1');
  });

  it('let the secretariat answer through the form and publish only once confirmed', async () => {
    const { questions: all } = (await list(a.secretariat)).body as { questions: { id: string; no: number; text: string }[] };
    const third = all.find((q) => q.no === 3)!;
    const page = await h.page(secretariatCookie, `/cases/${caseId}/questions`);
    expect(page.text).toContain('qa事業者2');
    expect(page.text).toContain(`<label for="answer-${third.id}">回答</label>`);
    expect(page.text).toContain(`<label for="published-${third.id}">公表用の質問文</label>`);
    // the wording as shown (the question as asked, in a textarea a browser sends back with CRLF) publishes it as asked
    const answered = await h.form(secretariatCookie, `/cases/${caseId}/questions/${third.id}/answer`, { answer: '上限は年3回です。', publishedText: third.text.replace(/\n/g, '\r\n') });
    expect(answered.status).toBe(303);
    expect((await list(a.secretariat)).body.questions.find((q: { no: number }) => q.no === 3)).toMatchObject({ status: 'answered', publishedText: null });
    const unconfirmed = await h.form(secretariatCookie, `/cases/${caseId}/questions/publish`, {});
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('チェックを入れてください');
    const publishedOnly = async () => (await list(a.otherVendor)).body.questions.filter((q: { mine?: boolean }) => !q.mine).map((q: { no: number }) => q.no);
    expect(await publishedOnly()).toEqual([1]);
    const published = await h.form(secretariatCookie, `/cases/${caseId}/questions/publish`, { confirm: 'on' });
    expect(published.status).toBe(303);
    const after = await h.page(secretariatCookie, published.headers.get('location')!.split('#')[0]!);
    expect(after.text).toContain('回答を公表しました');
    expect(after.text).toContain(`/api/cases/${caseId}/documents/question-answers/3.pdf`);
    expect(await publishedOnly()).toEqual([1, 3]);
  });

  it('let the secretariat set the 質問受付期限 in the case edit form', async () => {
    const res = await h.form(secretariatCookie, `/cases/${caseId}/edit`, {
      title: '文書管理システムの共同調達',
      description: '',
      rfiDeadline: '',
      submissionDeadline: '2026-06-30T17:00',
      questionDeadline: '2026-05-20T17:00',
      reason: '質問受付期限の延長',
    });
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.vendor })).body.case.questionDeadline).toBe(new Date('2026-05-20T17:00:00.000+09:00').toISOString());
  });
});

describe('after the 質問受付期限', () => {
  it('refuses a question with 409 deadline_passed and stores nothing', async () => {
    h.clock.set('2026-05-20T17:00:00.001+09:00');
    const before = (await stored()).length;
    // sessions idle out over the weeks the clock moved: sign in again
    const res = await ask(await h.login('vendor-qa@test.example'), { text: '期限後の質問' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('deadline_passed');
    const form = await h.form(await h.cookieFor('vendor-qa@test.example'), `/cases/${caseId}/questions`, { text: '期限後の質問' });
    expect(form.status).toBe(400);
    expect(form.text).toContain('質問受付期限を過ぎているため');
    expect((await stored()).length).toBe(before);
  });
});
