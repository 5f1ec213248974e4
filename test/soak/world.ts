import { randomBytes } from 'node:crypto';
import { multipartBody, sha256 } from '../helpers/multipart.ts';
import { ADMIN, type Client, PASSWORD, type Reply } from './server.ts';

export interface Account {
  id: string;
  email: string;
  token: string;
}

export const criteria = [
  { code: 'q', name: '品質', maxPoints: 50, mode: 'points' },
  { code: 'u', name: '使いやすさ', maxPoints: 50, mode: 'points' },
];

/** A distinct PDF-like file of the given size. */
export function proposalFile(size: number) {
  const bytes = new Uint8Array(size);
  bytes.set(Buffer.from('%PDF-1.7\n'));
  bytes.set(randomBytes(size - 9), 9);
  return { bytes, sha256: sha256(bytes) };
}

export const upload = (api: Client, token: string, caseId: string, name: string, bytes: Uint8Array) =>
  api.call('POST', `/api/cases/${caseId}/proposal/files`, { token, raw: multipartBody(name, bytes) });

const expectStatus = (what: string, res: Reply, status: number): Reply => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const sleepUntil = async (at: number) => {
  while (Date.now() < at) await sleep(Math.min(100, at - Date.now()));
};

/** A consortium with its secretariat, member bodies, vendors registered as they would, and evaluators. */
export async function buildConsortium(api: Client, counts: { members: number; vendors: number; evaluators: number }) {
  const operator = await api.login(ADMIN.email, ADMIN.password);
  const consortium = expectStatus(
    'consortium',
    await api.call('POST', '/api/consortia', { token: operator, body: { name: '負荷試験協議会', secretariat: { email: 'sec@soak.example', name: '事務局', password: PASSWORD } } }),
    201,
  ).body.consortium;
  const sec = await api.login('sec@soak.example', PASSWORD);
  const memberIds: string[] = [];
  for (let m = 0; m < counts.members; m++) {
    const kind = m === 0 ? 'prefecture' : m % 3 === 0 ? 'village' : m % 3 === 1 ? 'town' : 'city';
    memberIds.push(expectStatus('member', await api.call('POST', '/api/members', { token: sec, body: { name: `団体${m}`, kind, population: 3000 + m * 1000 } }), 201).body.member.id);
  }
  const vendors: Account[] = [];
  for (let v = 0; v < counts.vendors; v++) {
    const email = `v${v}@soak.example`;
    const reg = expectStatus(
      'vendor',
      // each from its own office: registrations are limited per client address
      await api.call('POST', '/api/vendors/register', {
        body: { consortiumId: consortium.id, companyName: `事業者${v}`, email, name: '担当', password: PASSWORD },
        headers: { 'x-forwarded-for': `198.51.100.${(v % 250) + 1}` },
      }),
      201,
    );
    // approved by the secretariat (入札参加資格), so it may propose and bid
    expectStatus('approval', await api.call('POST', `/api/vendors/${reg.body.vendor.id}/qualification`, { token: sec, body: { status: 'approved' } }), 200);
    vendors.push({ id: reg.body.vendor.id, email, token: await api.login(email, PASSWORD) });
  }
  const evaluators: Account[] = [];
  for (let e = 0; e < counts.evaluators; e++) {
    const email = `e${e}@soak.example`;
    const u = expectStatus('evaluator', await api.call('POST', '/api/users', { token: sec, body: { email, name: `委員${e}`, role: 'evaluator', password: PASSWORD } }), 201);
    evaluators.push({ id: u.body.user.id, email, token: await api.login(email, PASSWORD) });
  }
  return { consortiumId: consortium.id as string, sec, memberIds, vendors, evaluators };
}

export type Consortium = Awaited<ReturnType<typeof buildConsortium>>;

/** A proposal case open for submissions until `deadline`, with every member participating and two options. */
export async function openProposalCase(api: Client, world: Consortium, title: string, deadline: number) {
  const { sec } = world;
  const created = expectStatus(
    'case',
    await api.call('POST', '/api/cases', {
      token: sec,
      body: {
        title,
        method: 'proposal',
        contractMode: 'bulk',
        fiscalYear: 2026,
        submissionDeadline: new Date(deadline).toISOString(),
        options: [
          { code: 'ebook', name: '電子書籍連携', price: 120_000 },
          { code: 'ic', name: 'ICカード', price: 80_000 },
        ],
      },
    }),
    201,
  ).body.case;
  for (const [m, memberId] of world.memberIds.entries()) {
    expectStatus('participant', await api.call('PUT', `/api/cases/${created.id}/participants/${memberId}`, { token: sec, body: { participating: true, options: { ebook: m % 2 === 0, ic: m % 3 === 0 } } }), 200);
  }
  // a case is published with its spec
  expectStatus('spec', await api.call('PUT', `/api/cases/${created.id}/spec`, { token: sec, body: { sections: [{ heading: '業務の概要', body: '業務の内容は本書のとおりとする。' }] } }), 200);
  expectStatus('open', await api.call('POST', `/api/cases/${created.id}/transition`, { token: sec, body: { to: 'open' } }), 200);
  return created.id as string;
}

/**
 * A proposal case in evaluation: each vendor has sent one file before the deadline, the committee is
 * set and every evaluator has declared no conflict.
 */
export async function caseInEvaluation(api: Client, world: Consortium, vendors: Account[], evaluators: Account[]) {
  const deadline = Date.now() + 3000;
  const caseId = await openProposalCase(api, world, '評価中の案件', deadline);
  for (const v of vendors) expectStatus('proposal file', await upload(api, v.token, caseId, '提案書.pdf', proposalFile(30_000).bytes), 201);
  expectStatus(
    'evaluation',
    await api.call('PUT', `/api/cases/${caseId}/evaluation`, { token: world.sec, body: { criteria, aggregation: 'average', evaluatorIds: evaluators.map((e) => e.id), reason: '評価基準を定めます。' } }),
    200,
  );
  await sleepUntil(deadline + 100);
  expectStatus('to evaluation', await api.call('POST', `/api/cases/${caseId}/transition`, { token: world.sec, body: { to: 'evaluation' } }), 200);
  for (const e of evaluators) expectStatus('coi', await api.call('POST', `/api/cases/${caseId}/evaluation/coi`, { token: e.token, body: { conflict: false } }), 200);
  return caseId;
}

/** Scores for the k-th save of a sheet: each save differs from the one before. */
export const scoresFor = (k: number) => ({ q: k % 51, u: (k * 7 + 3) % 51 });

/** Latency percentiles of a list of milliseconds. */
export function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { count: sorted.length, p50: Math.round(at(50)), p99: Math.round(at(99)), max: Math.round(sorted.at(-1) ?? 0) };
}
