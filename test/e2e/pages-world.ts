import type { Harness, Tenant } from '../helpers/harness.ts';
import { PASSWORD, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';

/**
 * A consortium with a case in every state a page shows differently — draft, RFI, opinion inquiry,
 * taking proposals, in evaluation (one sheet submitted, one a draft), an open tender with sealed bids,
 * a tender between two rounds, an awarded tender — and a survey, built through the API.
 */
export interface PagesWorld {
  t: Tenant;
  label: string;
  cases: { draft: string; rfi: string; specReview: string; open: string; evaluation: string; tender: string; rebid: string; awarded: string };
  /** the proposals of the case in evaluation, as its evaluator knows them */
  refs: string[];
  surveyId: string;
  /** an account of the consortium other than the secretariat's own */
  userId: string;
  emails: { secretariat: string; member: string; evaluator: string; vendor: string };
}

export const NOW = '2026-05-15T10:00:00.000+09:00';

export async function buildPagesWorld(h: Harness, label = 'pw'): Promise<PagesWorld> {
  // the world spans weeks of the test clock: sessions outlast it
  h.deps.config.sessionIdleMs = 365 * 86_400_000;
  h.deps.config.sessionMaxMs = 400 * 86_400_000;
  h.clock.set('2026-04-01T09:00:00.000+09:00');
  const t = await createTenant(h, label);
  const call = async (token: string, method: string, path: string, body?: unknown, status = 200) => {
    const res = await h.call(method, path, { token, body });
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const upload = async (token: string, path: string, name: string) => {
    const { body, contentType } = multipartBody(name, pdfBytes(1500));
    const res = await h.call('POST', path, { token, body, headers: { 'content-type': contentType } });
    if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${res.text.slice(0, 300)}`);
  };
  const newCase = async (body: Record<string, unknown>) => (await call(t.secretariat, 'POST', '/api/cases', { contractMode: 'individual', fiscalYear: 2026, ...body }, 201)).case.id as string;
  // a notice is published with its spec
  const move = async (id: string, to: string) => {
    if (to === 'open') await putSpec(h, t.secretariat, id);
    return call(t.secretariat, 'POST', `/api/cases/${id}/transition`, { to });
  };
  const evaluatorId = (await call(t.evaluator, 'GET', '/api/me')).user.id as string;
  const criteria = [
    { code: 'func', group: '技術提案', name: '機能要件の充足度', maxPoints: 70, mode: 'points' },
    { code: 'price', group: '価格', name: '価格点', maxPoints: 30, mode: 'price' },
  ];
  const rfi = { deadline: '2026-04-20T17:00:00.000+09:00', questions: [{ code: 'summary', text: '製品の概要', kind: 'text' }] };
  const spec = {
    sections: [{ heading: '業務概要', body: '基幹業務システムを共同で調達する。' }],
    requirements: [{ code: 'F-001', text: '住民記録を検索できること。', level: 'must' }],
  };

  // the case that reaches evaluation: participants, options, an apportionment, an RFI, a spec with a comment, proposals, a committee
  const evaluation = await newCase({
    title: '基幹業務システムの共同調達',
    method: 'proposal',
    contractMode: 'bulk',
    options: [{ code: 'backup', name: '遠隔バックアップ', price: 120_000 }],
    rfiDeadline: rfi.deadline,
    questionDeadline: '2026-05-01T17:00:00.000+09:00',
    submissionDeadline: '2026-05-01T17:00:00.000+09:00',
  });
  const p = `/api/cases/${evaluation}`;
  await call(t.member, 'PUT', `${p}/participants/${t.memberIds[0]}`, { participating: true, options: { backup: true } });
  await call(t.secretariat, 'PUT', `${p}/participants/${t.memberIds[1]}`, { participating: true, options: {} });
  await call(t.secretariat, 'PUT', `${p}/apportionment`, { method: 'equal', total: 1_000_000 });
  await call(t.secretariat, 'PUT', `${p}/rfi`, rfi);
  await move(evaluation, 'rfi');
  for (const token of [t.vendor, t.otherVendor]) {
    await call(token, 'PUT', `${p}/rfi/response`, { answers: { summary: 'クラウド型の基幹業務システムです。' }, submit: true });
  }
  await call(t.secretariat, 'PUT', `${p}/spec`, { ...spec, reason: '仕様書を定めます。' });
  await move(evaluation, 'spec_review');
  await call(t.member, 'POST', `${p}/spec/comments`, { section: '業務概要', text: 'バックアップの頻度を明記してください。' }, 201);
  await move(evaluation, 'open');
  await call(t.vendor, 'POST', `${p}/questions`, { text: 'データ移行の範囲を教えてください。', section: '業務概要' }, 201);
  for (const [token, price] of [
    [t.vendor, 8_100_000],
    [t.otherVendor, 8_200_000],
  ] as const) {
    await upload(token, `${p}/proposal/files`, '技術提案書.pdf');
    await call(token, 'PUT', `${p}/proposal`, { price });
  }
  await call(t.secretariat, 'PUT', `${p}/evaluation`, { criteria, aggregation: 'average', evaluatorIds: [evaluatorId], anonymize: true, reason: '評価基準を定めます。' });
  await call(t.evaluator, 'POST', `${p}/evaluation/coi`, { conflict: false });

  // one case in each earlier state
  const draft = await newCase({ title: '準備中の電子申請システム', method: 'proposal' });
  const rfiCase = await newCase({ title: 'RFI中の文書管理システム', method: 'proposal', rfiDeadline: rfi.deadline, submissionDeadline: '2026-06-30T17:00:00.000+09:00' });
  await call(t.secretariat, 'PUT', `/api/cases/${rfiCase}/rfi`, rfi);
  await move(rfiCase, 'rfi');
  const specReview = await newCase({ title: '意見招請中の財務会計システム', method: 'proposal', submissionDeadline: '2026-06-30T17:00:00.000+09:00' });
  await call(t.secretariat, 'PUT', `/api/cases/${specReview}/spec`, { sections: spec.sections, requirements: [], reason: '仕様書を定めます。' });
  await move(specReview, 'spec_review');
  const open = await newCase({ title: '公募中の人事給与システム', method: 'proposal', submissionDeadline: '2026-06-30T17:00:00.000+09:00' });
  await move(open, 'open');
  await upload(t.vendor, `/api/cases/${open}/proposal/files`, '人事給与_提案書.pdf');

  // tenders: one open with sealed bids, one between two rounds, one awarded
  const tender = await newCase({ title: '庁舎清掃業務の委託', method: 'competitive_bid' });
  await call(t.secretariat, 'PUT', `/api/cases/${tender}/bidding`, { ceilingPrice: 5_000_000, ceilingPublic: false, floorPrice: 4_000_000, deadlineAt: '2026-06-30T17:00:00.000+09:00', openingAt: '2026-07-01T10:00:00.000+09:00' });
  await move(tender, 'open');
  const awarded = await newCase({ title: 'ごみ収集車両の購入', method: 'competitive_bid' });
  await call(t.secretariat, 'PUT', `/api/cases/${awarded}/bidding`, { ceilingPrice: 6_000_000, ceilingPublic: true, floorPrice: 4_000_000, deadlineAt: '2026-05-08T17:00:00.000+09:00', openingAt: '2026-05-11T10:00:00.000+09:00' });
  await move(awarded, 'open');
  const rebid = await newCase({ title: '防災行政無線の保守', method: 'competitive_bid' });
  await call(t.secretariat, 'PUT', `/api/cases/${rebid}/bidding`, { ceilingPrice: 3_000_000, ceilingPublic: false, floorPrice: 2_000_000, deadlineAt: '2026-05-08T17:00:00.000+09:00', openingAt: '2026-05-11T10:00:00.000+09:00' });
  await move(rebid, 'open');
  for (const [token, n] of [
    [t.vendor, 1],
    [t.otherVendor, 2],
  ] as const) {
    await call(token, 'POST', `/api/cases/${tender}/bids`, { amount: 4_500_000 + n * 100_000, lotNumber: n }, 201);
    await call(token, 'POST', `/api/cases/${awarded}/bids`, { amount: 4_700_000 + n * 100_000, lotNumber: n }, 201);
    await call(token, 'POST', `/api/cases/${rebid}/bids`, { amount: 3_500_000 + n * 100_000, lotNumber: n }, 201);
  }
  h.clock.set('2026-05-11T10:00:00.000+09:00');
  await call(t.secretariat, 'POST', `/api/cases/${rebid}/bids/open`);
  await call(t.secretariat, 'POST', `/api/cases/${rebid}/bids/rounds`, { deadlineAt: '2026-06-30T17:00:00.000+09:00', openingAt: '2026-07-01T10:00:00.000+09:00' }, 201);
  await call(t.secretariat, 'POST', `/api/cases/${awarded}/bids/open`);
  await call(t.secretariat, 'POST', `/api/cases/${awarded}/award`, {}, 201);

  // a survey answered by one member
  const surveyId = (await call(t.secretariat, 'POST', '/api/surveys', { title: '共同調達の意向調査', candidates: [{ code: 'erp', name: '基幹業務' }, { code: 'doc', name: '文書管理' }] }, 201)).survey.id as string;
  await call(t.member, 'PUT', `/api/surveys/${surveyId}/responses/${t.memberIds[0]}`, { ranking: ['erp'], intents: { erp: 'join' } });

  // evaluation: one sheet submitted, one a draft
  h.clock.set(NOW);
  await move(evaluation, 'evaluation');
  const listed = (await call(t.evaluator, 'GET', `${p}/evaluation/proposals`)).proposals as { ref: string }[];
  const refs = listed.map((x) => x.ref);
  await call(t.evaluator, 'PUT', `${p}/evaluation/sheets/${refs[0]}`, { scores: { func: 50 } });
  await call(t.evaluator, 'POST', `${p}/evaluation/sheets/${refs[0]}/submit`);
  await call(t.evaluator, 'PUT', `${p}/evaluation/sheets/${refs[1]}`, { scores: { func: 40 } });

  const accounts = (await call(t.secretariat, 'GET', '/api/users')).users as { id: string; email: string }[];
  const userId = accounts.find((u) => u.email === `eval-${label}@test.example`)!.id;

  return {
    t,
    label,
    userId,
    cases: { draft, rfi: rfiCase, specReview, open, evaluation, tender, rebid, awarded },
    refs,
    surveyId,
    emails: {
      secretariat: `sec-${label}@test.example`,
      member: `member-${label}@test.example`,
      evaluator: `eval-${label}@test.example`,
      vendor: `vendor-${label}@test.example`,
    },
  };
}

export { PASSWORD };
