import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notifications } from '../../schema/index.ts';
import { createApp } from '../../src/app.ts';
import { SESSION_COOKIE } from '../../src/auth/session.ts';
import { hashToken, newSessionToken } from '../../src/auth/token.ts';
import type { Deps } from '../../src/context.ts';
import { createSession } from '../../src/db/sessions.ts';
import { type Harness, OPERATOR, PASSWORD, type Reply, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes } from '../helpers/multipart.ts';
import { Scratch } from '../documents/pdf-tools.ts';

/**
 * The access-control matrix: every route of the app, called by every kind of caller, on its own
 * objects and on someone else's. The table below says who may use each route; a route the app
 * serves without an entry here fails, so a new route has to be classified before it ships.
 */

// ---------------------------------------------------------------------------------------------
// Callers and outcomes

const callers = ['none', 'operator', 'secretariat', 'member', 'evaluator', 'outsideEvaluator', 'vendor', 'otherVendor', 'bSecretariat', 'bMember', 'bEvaluator', 'bVendor'] as const;
type Caller = (typeof callers)[number];
type Role = 'secretariat' | 'member' | 'evaluator' | 'vendor';

/**
 * The role each caller has. Every object tested belongs to one consortium: the b… callers are of another;
 * `evaluator` sits on the committee of the cases evaluated, `outsideEvaluator` (same consortium) on none;
 * `otherVendor` competes with `vendor`, whose files, answers and bids the matrix reads.
 */
const roleOf: Record<Caller, Role | 'operator' | null> = {
  none: null,
  operator: 'operator',
  secretariat: 'secretariat',
  member: 'member',
  evaluator: 'evaluator',
  outsideEvaluator: 'evaluator',
  vendor: 'vendor',
  otherVendor: 'vendor',
  bSecretariat: 'secretariat',
  bMember: 'member',
  bEvaluator: 'evaluator',
  bVendor: 'vendor',
};
const inOtherConsortium = (caller: Caller) => caller.startsWith('b');

/**
 * What a caller gets: 'ok' (let through: any answer but 401, 403, 404 or a server error), a refusal
 * status (401 unauthenticated, 403 forbidden, 404 not_found), or 'login' (a page sending the browser
 * to the login page with 303).
 */
type Outcome = 'ok' | 'login' | 401 | 403 | 404;
const refusalCode = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' } as const;

// ---------------------------------------------------------------------------------------------
// The world the matrix runs against (tenant a owns every object; tenant b supplies outsiders)

const A = 'am-a';
const B = 'am-b';
const RFI_DEADLINE = '2026-04-20T17:00:00.000+09:00';
const SUBMISSION_DEADLINE = '2026-05-01T17:00:00.000+09:00';
const AWARDED_DEADLINE = '2026-05-08T17:00:00.000+09:00';
const AWARDED_OPENING = '2026-05-11T10:00:00.000+09:00';
const NOW = '2026-05-15T10:00:00.000+09:00';
const LATER_DEADLINE = '2026-06-15T17:00:00.000+09:00';
const BID_DEADLINE = '2026-06-30T17:00:00.000+09:00';
const BID_OPENING = '2026-07-01T10:00:00.000+09:00';

const emails: Record<Exclude<Caller, 'none'>, string> = {
  operator: OPERATOR.email,
  secretariat: `sec-${A}@test.example`,
  member: `member-${A}@test.example`,
  evaluator: `eval-${A}@test.example`,
  outsideEvaluator: `eval2-${A}@test.example`,
  vendor: `vendor-${A}@test.example`,
  otherVendor: `vendor2-${A}@test.example`,
  bSecretariat: `sec-${B}@test.example`,
  bMember: `member-${B}@test.example`,
  bEvaluator: `eval-${B}@test.example`,
  bVendor: `vendor-${B}@test.example`,
};

/** Text only its owner (and those the rules let see it) may ever be shown. */
const owned = {
  vendor: { rfiAnswer: '事業者一の回答本文', rfiFile: '事業者一_RFI資料.pdf', proposalFile: '事業者一_提案書.pdf', price: 8_111_111 },
  otherVendor: { rfiAnswer: '事業者二の回答本文', rfiFile: '事業者二_RFI資料.pdf', proposalFile: '事業者二_提案書.pdf', price: 8_222_222 },
  /** proposals to a case whose submission deadline is still ahead: sealed from everyone but their sender */
  early: {
    vendor: { proposalFile: '事業者一_期限前提案書.pdf', price: 7_333_333 },
    otherVendor: { proposalFile: '事業者二_期限前提案書.pdf', price: 7_444_444 },
  },
  /** a case not yet published: for its consortium's secretariat, members and evaluators */
  draftTitle: '甲協議会の準備中案件',
  otherConsortium: { caseTitle: '乙協議会の非公開案件', names: [`${B}市`, `${B}村`, `${B}事業者1`, `${B}事業者2`] },
  /** the unopened tender: its 予定価格 and 最低制限価格 are the secretariat's, its sealed amounts nobody's */
  tender: { ceilingPrice: 5_123_456, floorPrice: 4_123_456, bids: { vendor: 4_511_111, otherVendor: 4_822_222 } },
  /** a tender between the rounds of a re-bid: round 1 opened over the ceiling, round 2 pending; its prices stay the secretariat's */
  rebid: { ceilingPrice: 3_210_987, floorPrice: 2_109_876, investigationPrice: 2_345_678, bids: { vendor: 3_500_001, otherVendor: 3_600_002 } },
};
const priceTexts = (yen: number) => [String(yen), yen.toLocaleString('en-US')];
const vendorSecrets = (v: typeof owned.vendor) => [v.rfiAnswer, v.rfiFile, v.proposalFile, ...priceTexts(v.price)];
const rfiSecrets = [owned.vendor.rfiAnswer, owned.otherVendor.rfiAnswer, owned.vendor.rfiFile, owned.otherVendor.rfiFile];
/** The vendor's question on the proposal case, answered but never published: the secretariat's and its asker's only. */
const unpublishedQuestion = '事業者一の未公表の質問';
const questionHidden = () => ({ member: [unpublishedQuestion], evaluator: [unpublishedQuestion], outsideEvaluator: [unpublishedQuestion], otherVendor: [unpublishedQuestion] });
const consortiumSecrets = [owned.otherConsortium.caseTitle, ...owned.otherConsortium.names];
const allOfA = [...vendorSecrets(owned.vendor), ...vendorSecrets(owned.otherVendor)];
const sealed = [...priceTexts(owned.tender.bids.vendor), ...priceTexts(owned.tender.bids.otherVendor)];
const tenderPrices = [owned.tender.ceilingPrice, owned.tender.floorPrice, owned.rebid.ceilingPrice, owned.rebid.floorPrice, owned.rebid.investigationPrice].flatMap(priceTexts);
const earlySecrets = (v: { proposalFile: string; price: number }) => [v.proposalFile, ...priceTexts(v.price)];
const early = [...earlySecrets(owned.early.vendor), ...earlySecrets(owned.early.otherVendor)];
const outsider = [...allOfA, ...early, ...tenderPrices, owned.draftTitle];

/** What must never appear in any answer to the caller, whatever the route (and no one sees a sealed bid). */
const neverShown: Record<Caller, string[]> = {
  none: [...outsider, ...consortiumSecrets, ...sealed],
  operator: [...outsider, ...consortiumSecrets, ...sealed],
  secretariat: [...consortiumSecrets, ...sealed],
  member: [...allOfA, ...early, ...tenderPrices, ...consortiumSecrets, ...sealed],
  evaluator: [...rfiSecrets, ...early, ...tenderPrices, ...consortiumSecrets, ...sealed],
  outsideEvaluator: [...allOfA, ...early, ...tenderPrices, ...consortiumSecrets, ...sealed],
  vendor: [...vendorSecrets(owned.otherVendor), ...earlySecrets(owned.early.otherVendor), ...tenderPrices, owned.draftTitle, ...consortiumSecrets, ...sealed],
  otherVendor: [...vendorSecrets(owned.vendor), ...earlySecrets(owned.early.vendor), ...tenderPrices, owned.draftTitle, ...consortiumSecrets, ...sealed],
  bSecretariat: [...outsider, ...sealed],
  bMember: [...outsider, ...sealed],
  bEvaluator: [...outsider, ...sealed],
  bVendor: [...outsider, ...sealed],
};

interface World {
  a: Tenant;
  b: Tenant;
  evaluatorId: string;
  /** 公募型プロポーザル in evaluation: participants, RFI answered, spec with a comment, proposals, a committee scoring anonymised */
  proposalCase: string;
  /** what the committee calls the two proposals of the proposal case: the aliases its evaluator's list gives */
  refs: { vendor: string; otherVendor: string };
  proposalTitle: string;
  /** 公募型プロポーザル, open, both vendors have proposed, the submission deadline still ahead; same committee */
  earlyCase: string;
  earlyFile: string;
  /** 一般競争入札, open, both vendors have bid, opening still ahead */
  bidCase: string;
  /** 一般競争入札, opened and awarded */
  awardedCase: string;
  /** 一般競争入札 between two rounds: round 1 opened with no bid within the ceiling, round 2 still to come */
  rebidCase: string;
  /** not yet published */
  draftCase: string;
  surveyId: string;
  surveyTitle: string;
  commentId: string;
  /** the vendor's proposal file and RFI attachment */
  proposalFile: string;
  rfiFile: string;
  /** the vendor's question on the proposal case (see unpublishedQuestion) */
  questionId: string;
  /** a notification of the vendor's: nobody else may read it */
  notificationId: string;
  /** the calendar address of a second user of the vendor's company (the matrix replaces and revokes the callers' own) */
  calendarFeed: string;
}

const rfiBody = { deadline: RFI_DEADLINE, questions: [{ code: 'summary', text: '製品の概要', kind: 'text' }] };
const specBody = { sections: [{ heading: '業務概要', body: '基幹業務システムを共同で調達する。' }], requirements: [] };
const tenderBidding = { ceilingPrice: owned.tender.ceilingPrice, ceilingPublic: false, floorPrice: owned.tender.floorPrice, deadlineAt: BID_DEADLINE, openingAt: BID_OPENING };
const awardedBidding = { ceilingPrice: 6_000_000, ceilingPublic: false, floorPrice: 4_000_000, deadlineAt: AWARDED_DEADLINE, openingAt: AWARDED_OPENING };
const rebidBidding = { ...owned.rebid, bids: undefined, ceilingPublic: false, deadlineAt: AWARDED_DEADLINE, openingAt: AWARDED_OPENING };
/** The same route on the tender between its rounds: whoever may call it is let through, and sees no reserved price. */
const onRebid = (name: string, req: (w: World) => Request, callers: Caller[]) => ({ name, req, expect: Object.fromEntries(callers.map((c) => [c, 'ok'])) as Partial<Record<Caller, Outcome>> });
const criteria = [
  { code: 'func', name: '機能要件の充足度', maxPoints: 70, mode: 'points' },
  { code: 'price', name: '価格点', maxPoints: 30, mode: 'price' },
];
const ownParticipation = { participating: true, options: { backup: true } };
const ownSurveyAnswer = { ranking: ['erp'], intents: { erp: 'join' } };
const pdf = pdfBytes(1500);

// ---------------------------------------------------------------------------------------------
// The table: one entry per route

interface Request {
  /** the concrete path (it must match the route's pattern) */
  path: string;
  /** a JSON body (API) */
  body?: unknown;
  /** a form body (pages), posted as the site's own pages do */
  form?: Record<string, string>;
  /** a body of another type (API): uploads and CSV */
  raw?: { body: Uint8Array; type: string };
}

interface Entry {
  /**
   * Who may use the route: 'anyone' (no login needed), 'user' (any signed-in account), 'operator', or
   * the roles of the consortium the object belongs to. Everyone else is refused: no login → 401 on the
   * API and a redirect to the login page on pages; another role (and the operator) → 403; a caller of
   * an allowed role from another consortium → 404 on a route naming an object.
   */
  allow: 'anyone' | 'user' | 'operator' | Role[];
  /** callers whose outcome differs from what `allow` implies */
  except?: Partial<Record<Caller, Outcome>>;
  req: (w: World) => Request;
  /** the same route on other objects (another member's, another vendor's, an unpublished one), for some callers */
  variants?: { name: string; req: (w: World) => Request; expect: Partial<Record<Caller, Outcome>> }[];
  /** the route concerns a case's evaluation committee: an evaluator not on it is answered as if nothing existed (404) */
  committee?: true;
  /** what the route must not show a caller, beyond what is never shown to it anywhere */
  hidden?: (w: World) => Partial<Record<Caller, string[]>>;
  /** every caller signs in afresh for it: the route ends or replaces the caller's session */
  fresh?: true;
  /** the route signs the caller out: everyone lands on the login page, and that is not a refusal */
  signsOut?: true;
}

const path = (p: (w: World) => string) => (w: World) => ({ path: p(w) });
const every = (outcome: Outcome) => Object.fromEntries(callers.map((c) => [c, outcome])) as Record<Caller, Outcome>;
/** A file is hidden (404), never refused with 403: its existence is not revealed to those who may not read it. */
const fileHidden: Partial<Record<Caller, Outcome>> = { operator: 404, member: 404, otherVendor: 404, bMember: 404 };
const receiptHidden: Partial<Record<Caller, Outcome>> = { ...fileHidden, evaluator: 404, outsideEvaluator: 404, bEvaluator: 404 };
/** The vendor's own notification: to everyone else signed in it does not exist. */
const onlyTheVendor = Object.fromEntries(callers.filter((c) => c !== 'none' && c !== 'vendor').map((c) => [c, 404])) as Partial<Record<Caller, Outcome>>;
/** Proposals before the submission deadline are sealed from the secretariat too (see also `neverShown`). */
const sealedUntilDeadline = () => ({ secretariat: early });
/** The proposal case is scored anonymised: no vendor id, vendor name or file name reaches its evaluator. */
const unmasked = (w: World) => ({ evaluator: [w.a.vendorId, w.a.otherVendorId, `${A}事業者1`, `${A}事業者2`, owned.vendor.proposalFile, owned.otherVendor.proposalFile] });
/** Before the opening, who has bid is for the secretariat: a vendor sees its own bid only, members and evaluators none. */
const whoBid = (w: World) => ({
  vendor: [w.a.otherVendorId],
  otherVendor: [w.a.vendorId],
  member: [w.a.vendorId, w.a.otherVendorId],
  evaluator: [w.a.vendorId, w.a.otherVendorId],
  outsideEvaluator: [w.a.vendorId, w.a.otherVendorId],
});

const P = (w: World) => `/api/cases/${w.proposalCase}`;
const BC = (w: World) => `/api/cases/${w.bidCase}`;
const WC = (w: World) => `/api/cases/${w.awardedCase}`;
const page = (w: World) => `/cases/${w.proposalCase}`;
const bidPage = (w: World) => `/cases/${w.bidCase}`;
const upload = () => {
  const { body, contentType } = multipartBody('追加資料.pdf', pdf);
  return { body, type: contentType };
};

const table: Record<string, Entry> = {
  // health and static files
  'GET /assets/:name': { allow: 'anyone', req: path(() => '/assets/app.css') },
  'GET /favicon.ico': { allow: 'anyone', req: path(() => '/favicon.ico') },
  'GET /healthz': { allow: 'anyone', req: path(() => '/healthz') },
  'GET /readyz': { allow: 'anyone', req: path(() => '/readyz') },
  // open unless METRICS_TOKEN is set (observability.test.ts): it names routes and counts, never an object
  'GET /metrics': { allow: 'anyone', req: path(() => '/metrics') },

  // the API description and its reference page
  'GET /api/openapi.json': { allow: 'anyone', req: path(() => '/api/openapi.json') },
  'GET /api/docs': { allow: 'anyone', req: path(() => '/api/docs') },

  // sign-in
  'POST /api/auth/login': { allow: 'anyone', fresh: true, req: () => ({ path: '/api/auth/login', body: { email: emails.evaluator, password: PASSWORD } }) },
  'POST /api/auth/logout': { allow: 'user', fresh: true, req: path(() => '/api/auth/logout') },
  'GET /api/me': { allow: 'user', req: path(() => '/api/me') },

  // tenancy
  'POST /api/consortia': {
    allow: 'operator',
    // the secretariat's address is taken: the operator gets 409 and nothing is created
    req: () => ({ path: '/api/consortia', body: { name: '重複協議会', secretariat: { email: emails.secretariat, name: '重複', password: PASSWORD } } }),
  },
  'GET /api/consortia': { allow: 'operator', req: path(() => '/api/consortia') },
  'GET /api/consortium/settings': { allow: ['secretariat'], req: path(() => '/api/consortium/settings') },
  'PUT /api/consortium/settings': {
    allow: ['secretariat'],
    req: () => ({ path: '/api/consortium/settings', body: { issuerName: '熊本県市町村DX推進協議会', issuerTitle: '会長', address: '熊本市中央区水前寺6-18-1', contact: '電話 096-000-0000', documentNumberPattern: '熊DX協第{n}号', era: 'wareki' } }),
  },
  'POST /api/users': {
    allow: ['secretariat'],
    req: () => ({ path: '/api/users', body: { email: emails.evaluator, name: '重複', role: 'evaluator', password: PASSWORD } }),
  },
  'GET /api/users': { allow: ['secretariat'], req: path(() => '/api/users') },
  'PATCH /api/users/:id': { allow: ['secretariat'], req: (w) => ({ path: `/api/users/${w.evaluatorId}`, body: { name: emails.evaluator } }) },
  'POST /api/members': { allow: ['secretariat'], req: () => ({ path: '/api/members', body: { name: '', kind: 'city' } }) },
  'POST /api/members/import': {
    allow: ['secretariat'],
    req: () => ({ path: '/api/members/import', raw: { body: new TextEncoder().encode('団体名,区分\n,市\n'), type: 'text/csv' } }),
  },
  'GET /api/members': { allow: ['secretariat', 'member', 'evaluator'], req: path(() => '/api/members') },
  'GET /api/members/:id': { allow: ['secretariat', 'member', 'evaluator'], req: path((w) => `/api/members/${w.a.memberIds[0]}`) },
  'POST /api/vendors': { allow: ['secretariat'], req: () => ({ path: '/api/vendors', body: { name: '' } }) },
  'POST /api/vendors/register': {
    allow: 'anyone',
    req: (w) => ({ path: '/api/vendors/register', body: { consortiumId: w.a.consortiumId, companyName: '', email: 'not-an-address', name: '', password: '' } }),
  },
  'GET /api/vendors': { allow: ['secretariat'], req: path(() => '/api/vendors') },
  'GET /api/vendors/:id': { allow: ['secretariat', 'vendor'], except: { otherVendor: 404 }, req: path((w) => `/api/vendors/${w.a.vendorId}`) },
  'PATCH /api/vendors/:id': {
    allow: ['secretariat', 'vendor'],
    except: { otherVendor: 404 },
    req: (w) => ({ path: `/api/vendors/${w.a.vendorId}`, body: { address: '熊本市中央区水前寺6丁目18番1号', representative: '代表取締役 試験 太郎' } }),
  },
  // 入札参加資格: the vendor is approved already, so approving it again is 409 and changes nothing
  'POST /api/vendors/:id/qualification': { allow: ['secretariat'], req: (w) => ({ path: `/api/vendors/${w.a.vendorId}/qualification`, body: { status: 'approved' } }) },
  'POST /api/vendors/import': {
    allow: ['secretariat'],
    req: () => ({ path: '/api/vendors/import', raw: { body: new TextEncoder().encode('商号,法人番号\n,7000012050003\n'), type: 'text/csv' } }),
  },

  // cases, participation and apportionment
  'POST /api/cases': {
    allow: ['secretariat'],
    req: () => ({ path: '/api/cases', body: { title: '追加の案件', method: 'proposal', contractMode: 'individual', fiscalYear: 2026 } }),
  },
  'GET /api/cases': { allow: ['secretariat', 'member', 'evaluator', 'vendor'], req: path(() => '/api/cases') },
  'GET /api/cases/:id': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path(P),
    hidden: unmasked,
    variants: [{ name: 'an unpublished case', req: path((w) => `/api/cases/${w.draftCase}`), expect: { secretariat: 'ok', member: 'ok', evaluator: 'ok', vendor: 404, otherVendor: 404 } }],
  },
  'PATCH /api/cases/:id': { allow: ['secretariat'], req: (w) => ({ path: P(w), body: { title: w.proposalTitle } }) },
  'GET /api/cases/:id/schedule-changes': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path((w) => `${BC(w)}/schedule-changes`),
    variants: [{ name: 'an unpublished case', req: path((w) => `/api/cases/${w.draftCase}/schedule-changes`), expect: { secretariat: 'ok', member: 'ok', evaluator: 'ok', vendor: 404, otherVendor: 404 } }],
  },
  'GET /api/cases/:id/addenda': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path((w) => `${BC(w)}/addenda`),
    variants: [{ name: 'an unpublished case', req: path((w) => `/api/cases/${w.draftCase}/addenda`), expect: { secretariat: 'ok', member: 'ok', evaluator: 'ok', vendor: 404, otherVendor: 404 } }],
  },
  'POST /api/cases/:id/transition': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/transition`, body: { to: 'draft' } }) },
  'PUT /api/cases/:id/participants/:memberId': {
    allow: ['secretariat', 'member'],
    req: (w) => ({ path: `${P(w)}/participants/${w.a.memberIds[0]}`, body: ownParticipation }),
    variants: [
      {
        name: "another member's",
        req: (w) => ({ path: `${P(w)}/participants/${w.a.memberIds[1]}`, body: { participating: true, options: {} } }),
        expect: { secretariat: 'ok', member: 403 },
      },
    ],
  },
  'GET /api/cases/:id/participants': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/participants`) },
  'PUT /api/cases/:id/apportionment': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/apportionment`, body: { method: 'equal', total: 1_000_000 } }) },
  'GET /api/cases/:id/apportionment': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/apportionment`) },
  'GET /api/cases/:id/apportionment.csv': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/apportionment.csv`) },
  // fiscal years and contracts: the proposal case has no award, so closing one of its years is 409 no_award; the consortium already signs for it
  'POST /api/cases/:id/years/:fiscalYear/close': { allow: ['secretariat'], req: path((w) => `${P(w)}/years/2026/close`) },
  'GET /api/cases/:id/years': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/years`) },
  'POST /api/cases/:id/years/:fiscalYear/amendments': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/years/2026/amendments`, body: { reason: '変更契約' } }) },
  'PUT /api/cases/:id/contract-party': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/contract-party`, body: { memberId: null } }) },
  'GET /api/cases/:id/contracts': { allow: ['secretariat', 'member'], req: path((w) => `${WC(w)}/contracts?fiscalYear=2026`) },
  'GET /api/cases/:id/contracts.csv': { allow: ['secretariat', 'member'], req: path((w) => `${WC(w)}/contracts.csv`) },
  'GET /api/cases/:id/savings': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/savings?fiscalYear=2026`) },

  // surveys (意向調査)
  'POST /api/surveys': { allow: ['secretariat'], req: () => ({ path: '/api/surveys', body: { title: '追加の調査', candidates: [{ code: 'x', name: '候補' }] } }) },
  'GET /api/surveys': { allow: ['secretariat', 'member'], req: path(() => '/api/surveys') },
  'GET /api/surveys/:id': { allow: ['secretariat', 'member'], req: path((w) => `/api/surveys/${w.surveyId}`) },
  'PATCH /api/surveys/:id': { allow: ['secretariat'], req: (w) => ({ path: `/api/surveys/${w.surveyId}`, body: { title: w.surveyTitle } }) },
  'PUT /api/surveys/:id/responses/:memberId': {
    allow: ['secretariat', 'member'],
    req: (w) => ({ path: `/api/surveys/${w.surveyId}/responses/${w.a.memberIds[0]}`, body: ownSurveyAnswer }),
    variants: [
      {
        name: "another member's",
        req: (w) => ({ path: `/api/surveys/${w.surveyId}/responses/${w.a.memberIds[1]}`, body: { ranking: ['doc'], intents: { doc: 'study' } } }),
        expect: { secretariat: 'ok', member: 403 },
      },
    ],
  },
  'GET /api/surveys/:id/responses': { allow: ['secretariat'], req: path((w) => `/api/surveys/${w.surveyId}/responses`) },
  'GET /api/surveys/:id/responses/:memberId': {
    allow: ['secretariat', 'member'],
    req: path((w) => `/api/surveys/${w.surveyId}/responses/${w.a.memberIds[0]}`),
    variants: [{ name: "another member's", req: path((w) => `/api/surveys/${w.surveyId}/responses/${w.a.memberIds[1]}`), expect: { secretariat: 'ok', member: 403 } }],
  },
  'GET /api/surveys/:id/results': { allow: ['secretariat', 'member'], req: path((w) => `/api/surveys/${w.surveyId}/results`) },
  'GET /api/surveys/:id/results.csv': { allow: ['secretariat'], req: path((w) => `/api/surveys/${w.surveyId}/results.csv`) },
  // the matrix's survey is past its first stage (proposals and a shortlist are 409 survey_stage) and linked to no case (confirm is 409)
  'POST /api/surveys/:id/candidates': { allow: ['secretariat', 'member'], req: (w) => ({ path: `/api/surveys/${w.surveyId}/candidates`, body: { name: '追加の候補' } }) },
  'POST /api/surveys/:id/shortlist': { allow: ['secretariat'], req: (w) => ({ path: `/api/surveys/${w.surveyId}/shortlist`, body: { codes: ['erp'] } }) },
  'POST /api/surveys/:id/candidates/:code/case': {
    allow: ['secretariat'],
    req: (w) => ({ path: `/api/surveys/${w.surveyId}/candidates/erp/case`, body: { title: '基幹業務システムの次期調達', method: 'proposal', reason: '全団体の基幹業務を標準化するため' } }),
  },
  'POST /api/surveys/:id/confirm': { allow: ['secretariat'], req: (w) => ({ path: `/api/surveys/${w.surveyId}/confirm`, body: {} }) },

  // RFI (情報提供依頼); its deadline has passed, so a vendor's change is 409
  'PUT /api/cases/:id/rfi': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/rfi`, body: rfiBody }) },
  'GET /api/cases/:id/rfi': { allow: ['secretariat', 'member', 'vendor'], req: path((w) => `${P(w)}/rfi`) },
  'PUT /api/cases/:id/rfi/response': { allow: ['vendor'], req: (w) => ({ path: `${P(w)}/rfi/response`, body: { answers: { summary: '遅れた回答' } } }) },
  'GET /api/cases/:id/rfi/response': { allow: ['vendor'], req: path((w) => `${P(w)}/rfi/response`) },
  'POST /api/cases/:id/rfi/response/files': { allow: ['vendor'], req: (w) => ({ path: `${P(w)}/rfi/response/files`, raw: upload() }) },
  'GET /api/cases/:id/rfi/responses': { allow: ['secretariat'], req: path((w) => `${P(w)}/rfi/responses`) },
  'GET /api/cases/:id/rfi/responses.csv': { allow: ['secretariat'], req: path((w) => `${P(w)}/rfi/responses.csv`) },

  // evaluation (評価): the evaluator has submitted the vendor's sheet and keeps the other one as a draft
  'PUT /api/cases/:id/evaluation': {
    allow: ['secretariat'],
    req: (w) => ({ path: `${P(w)}/evaluation`, body: { criteria, aggregation: 'average', evaluatorIds: [w.evaluatorId] } }),
  },
  'GET /api/cases/:id/evaluation': { committee: true, allow: ['secretariat', 'evaluator'], req: path((w) => `${P(w)}/evaluation`), hidden: unmasked },
  'POST /api/cases/:id/evaluation/coi': { committee: true, allow: ['evaluator'], req: (w) => ({ path: `${P(w)}/evaluation/coi`, body: { conflict: false } }) },
  'GET /api/cases/:id/evaluation/proposals': {
    committee: true,
    allow: ['evaluator'],
    req: path((w) => `${P(w)}/evaluation/proposals`),
    variants: [{ name: 'proposals before the deadline', req: path((w) => `/api/cases/${w.earlyCase}/evaluation/proposals`), expect: { evaluator: 'ok' } }],
    hidden: unmasked,
  },
  // an evaluator's sheet paths take the ref the list gives; the early case is not anonymised, so there it is the vendor id
  'PUT /api/cases/:id/evaluation/sheets/:ref': {
    committee: true,
    allow: ['evaluator'],
    req: (w) => ({ path: `${P(w)}/evaluation/sheets/${w.refs.vendor}`, body: { scores: { func: 50 } } }),
    hidden: unmasked,
  },
  'GET /api/cases/:id/evaluation/sheets/:ref': {
    committee: true,
    allow: ['evaluator'],
    req: path((w) => `${P(w)}/evaluation/sheets/${w.refs.vendor}`),
    variants: [{ name: 'a proposal before the deadline', req: path((w) => `/api/cases/${w.earlyCase}/evaluation/sheets/${w.a.vendorId}`), expect: { evaluator: 'ok' } }],
    hidden: unmasked,
  },
  'POST /api/cases/:id/evaluation/sheets/:ref/submit': { committee: true, allow: ['evaluator'], req: path((w) => `${P(w)}/evaluation/sheets/${w.refs.vendor}/submit`), hidden: unmasked },
  // the secretariat's reopen names the vendor itself
  'POST /api/cases/:id/evaluation/sheets/:vendorId/reopen': {
    allow: ['secretariat'],
    req: (w) => ({ path: `${P(w)}/evaluation/sheets/${w.a.otherVendorId}/reopen`, body: { evaluatorId: w.evaluatorId, reason: '記載の確認' } }),
  },
  'GET /api/cases/:id/evaluation/progress': { allow: ['secretariat'], req: path((w) => `${P(w)}/evaluation/progress`) },
  'POST /api/cases/:id/evaluation/close': { allow: ['secretariat'], req: path((w) => `${P(w)}/evaluation/close`) },
  'GET /api/cases/:id/evaluation/results': { allow: ['secretariat'], req: path((w) => `${P(w)}/evaluation/results`) },
  'GET /api/cases/:id/evaluation/results.csv': { allow: ['secretariat'], req: path((w) => `${P(w)}/evaluation/results.csv`) },
  'GET /api/cases/:id/proposals': {
    committee: true,
    allow: ['secretariat', 'evaluator'],
    req: path((w) => `${P(w)}/proposals`),
    variants: [{ name: 'proposals before the deadline', req: path((w) => `/api/cases/${w.earlyCase}/proposals`), expect: { secretariat: 'ok', evaluator: 'ok' } }],
    hidden: (w) => ({ ...sealedUntilDeadline(), ...unmasked(w) }),
  },

  // competitive bidding (入札): both vendors have bid in the open round, so another bid is 409
  'PUT /api/cases/:id/bidding': { allow: ['secretariat'], req: (w) => ({ path: `${BC(w)}/bidding`, body: tenderBidding }) },
  'GET /api/cases/:id/bidding': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path((w) => `${BC(w)}/bidding`),
    variants: [onRebid('a tender between re-bid rounds', path((w) => `/api/cases/${w.rebidCase}/bidding`), ['secretariat', 'member', 'evaluator', 'vendor', 'otherVendor'])],
  },
  'POST /api/cases/:id/bids': { allow: ['vendor'], req: (w) => ({ path: `${BC(w)}/bids`, body: { amount: 4_000_000, lotNumber: 1 } }) },
  'POST /api/cases/:id/bids/decline': { allow: ['vendor'], req: path((w) => `${BC(w)}/bids/decline`) },
  'POST /api/cases/:id/bids/paper': {
    allow: ['secretariat'],
    req: (w) => ({ path: `${BC(w)}/bids/paper`, body: { vendorId: w.a.vendorId, amount: 4_100_000, receivedAt: '2026-04-02T10:00:00.000+09:00' } }),
  },
  'GET /api/cases/:id/bids': { allow: ['secretariat', 'member', 'evaluator', 'vendor'], req: path((w) => `${BC(w)}/bids`), hidden: whoBid },
  'GET /api/cases/:id/bids/mine': { allow: ['vendor'], req: path((w) => `${BC(w)}/bids/mine`), hidden: whoBid },
  'POST /api/cases/:id/bids/open': { allow: ['secretariat'], req: path((w) => `${BC(w)}/bids/open`) },
  'POST /api/cases/:id/bids/rounds': { allow: ['secretariat'], req: (w) => ({ path: `${BC(w)}/bids/rounds`, body: { deadlineAt: '2026-07-10T17:00:00.000+09:00', openingAt: '2026-07-11T10:00:00.000+09:00' } }) },
  'POST /api/cases/:id/bids/investigation': { allow: ['secretariat'], req: (w) => ({ path: `${BC(w)}/bids/investigation`, body: { confirm: true, reason: '調査の結果' } }) },

  // spec (仕様書) and the opinion inquiry (意見照会), award and documents
  'PUT /api/cases/:id/spec': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/spec`, body: specBody }) },
  'GET /api/cases/:id/spec': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/spec`) },
  'GET /api/cases/:id/spec/versions': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/spec/versions`) },
  'POST /api/cases/:id/spec/comments': { allow: ['member'], req: (w) => ({ path: `${P(w)}/spec/comments`, body: { section: '業務概要', text: '期間外の意見' } }) },
  'PUT /api/cases/:id/spec/comments/:commentId': {
    allow: ['secretariat'],
    req: (w) => ({ path: `${P(w)}/spec/comments/${w.commentId}`, body: { response: '仕様書に反映します。', reflected: true } }),
  },
  'GET /api/cases/:id/spec/comments': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/spec/comments`) },
  'POST /api/cases/:id/award': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/award`, body: {} }) },
  'GET /api/cases/:id/award': { allow: ['secretariat', 'member', 'evaluator', 'vendor'], req: path((w) => `${WC(w)}/award`) },
  'GET /api/cases/:id/documents': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/documents`) },
  'GET /api/cases/:id/documents/spec.pdf': { allow: ['secretariat', 'member', 'evaluator', 'vendor'], req: path((w) => `${P(w)}/documents/spec.pdf`) },
  'GET /api/cases/:id/documents/award.pdf': { allow: ['secretariat', 'member'], req: path((w) => `${WC(w)}/documents/award.pdf`) },
  'GET /api/cases/:id/documents/bid-tabulation.pdf': {
    allow: ['secretariat', 'member'],
    req: path((w) => `${WC(w)}/documents/bid-tabulation.pdf`),
    variants: [
      // drawn while bids are sealed: no amount; drawn between the rounds of a re-bid: no reserved price
      { name: 'a tender whose bids have arrived, unopened', req: path((w) => `${BC(w)}/documents/bid-tabulation.pdf`), expect: { secretariat: 'ok', member: 'ok' } },
      onRebid('a tender between re-bid rounds', path((w) => `/api/cases/${w.rebidCase}/documents/bid-tabulation.pdf`), ['secretariat', 'member']),
    ],
  },
  'GET /api/cases/:id/ocds': {
    allow: ['secretariat', 'member'],
    req: path((w) => `${BC(w)}/ocds`),
    variants: [onRebid('a tender between re-bid rounds', path((w) => `/api/cases/${w.rebidCase}/ocds`), ['member'])],
  },
  'POST /api/cases/:id/documents/:kind/issue': { allow: ['secretariat'], req: path((w) => `${WC(w)}/documents/award/issue`) },
  // an issued version: the very bytes issued; the award notice goes to the secretariat and members
  'GET /api/cases/:id/documents/:kind/:file{[0-9]+\\.pdf}': { allow: ['secretariat', 'member'], req: path((w) => `${WC(w)}/documents/award/1.pdf`) },
  'GET /api/cases/:id/documents/evaluation-internal.pdf': { allow: ['secretariat'], req: path((w) => `${P(w)}/documents/evaluation-internal.pdf`) },
  'GET /api/cases/:id/documents/evaluation-summary.pdf': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/documents/evaluation-summary.pdf`) },
  'GET /api/cases/:id/documents/comment-responses.pdf': { allow: ['secretariat', 'member'], req: path((w) => `${P(w)}/documents/comment-responses.pdf`) },
  // the 質問回答書: the secretariat's draft of what the next publication issues, the issued one for everyone the case is published to
  'GET /api/cases/:id/documents/question-answers.pdf': { allow: ['secretariat', 'member', 'evaluator', 'vendor'], req: path((w) => `${P(w)}/documents/question-answers.pdf`), hidden: questionHidden },

  // questions (質問・回答): the proposal case is past its 質問受付期限 and being evaluated, so a new question is 409
  'GET /api/cases/:id/questions': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path((w) => `${P(w)}/questions`),
    variants: [{ name: 'an unpublished case', req: path((w) => `/api/cases/${w.draftCase}/questions`), expect: { secretariat: 'ok', member: 'ok', vendor: 404, otherVendor: 404 } }],
    hidden: (w) => ({ ...questionHidden(), vendor: [w.a.vendorId, `${A}事業者1`], otherVendor: [unpublishedQuestion, w.a.vendorId, `${A}事業者1`] }),
  },
  'POST /api/cases/:id/questions': { allow: ['member', 'vendor'], req: (w) => ({ path: `${P(w)}/questions`, body: { text: '期間外の質問' } }) },
  // nothing answered is waiting (the answer below comes after): 409 not_yet
  'POST /api/cases/:id/questions/publish': { allow: ['secretariat'], req: path((w) => `${P(w)}/questions/publish`) },
  'PUT /api/cases/:id/questions/:questionId': { allow: ['secretariat'], req: (w) => ({ path: `${P(w)}/questions/${w.questionId}`, body: { answer: '仕様書のとおりです。' } }) },

  // public (no login)
  'GET /api/public/cases': { allow: 'anyone', req: path(() => '/api/public/cases') },
  'GET /api/public/cases/:id': {
    allow: 'anyone',
    req: path((w) => `/api/public/cases/${w.bidCase}`),
    variants: [onRebid('a tender between re-bid rounds', path((w) => `/api/public/cases/${w.rebidCase}`), ['none', 'vendor'])],
  },
  'GET /api/public/cases/:id/ocds': { allow: 'anyone', req: path((w) => `/api/public/cases/${w.bidCase}/ocds`) },
  'GET /api/public/cases/:id/documents/:name{[a-z-]+\\.pdf}': { allow: 'anyone', req: path((w) => `/api/public/cases/${w.awardedCase}/documents/bid-tabulation.pdf`) },
  'GET /api/public/export/:fiscalYear/ocds.json': { allow: 'anyone', req: path(() => '/api/public/export/2026/ocds.json') },
  'GET /api/public/export/:fiscalYear/cases.csv': { allow: 'anyone', req: path(() => '/api/public/export/2026/cases.csv') },
  'GET /api/public/consortia/:id/audit-head': { allow: 'anyone', req: path((w) => `/api/public/consortia/${w.a.consortiumId}/audit-head`) },

  // proposals (提案書): the deadline has passed, so a vendor's change is 409
  'POST /api/cases/:id/proposal/files': { allow: ['vendor'], req: (w) => ({ path: `${P(w)}/proposal/files`, raw: upload() }) },
  'PUT /api/cases/:id/proposal': { allow: ['vendor'], req: (w) => ({ path: `${P(w)}/proposal`, body: { price: 1 } }) },
  'GET /api/cases/:id/proposal': { allow: ['vendor'], req: path((w) => `${P(w)}/proposal`) },
  'POST /api/cases/:id/proposal/withdraw': { allow: ['vendor'], req: path((w) => `${P(w)}/proposal/withdraw`) },
  'GET /api/cases/:id/follow': { allow: ['vendor'], req: path((w) => `${P(w)}/follow`) },
  'PUT /api/cases/:id/follow': { allow: ['vendor'], req: path((w) => `${P(w)}/follow`) },
  'DELETE /api/cases/:id/follow': { allow: ['vendor'], req: path((w) => `${P(w)}/follow`) },

  // received files and their receipts (受付票): the vendor's proposal file, and its RFI attachment
  'GET /api/files/:id': {
    committee: true,
    allow: ['secretariat', 'evaluator', 'vendor'],
    except: fileHidden,
    req: path((w) => `/api/files/${w.proposalFile}`),
    variants: [
      {
        name: 'an RFI attachment',
        req: path((w) => `/api/files/${w.rfiFile}`),
        expect: { secretariat: 'ok', vendor: 'ok', evaluator: 404, otherVendor: 404, member: 404, bSecretariat: 404, bVendor: 404 },
      },
      {
        name: 'a proposal file before the deadline',
        req: path((w) => `/api/files/${w.earlyFile}`),
        expect: { vendor: 'ok', secretariat: 404, evaluator: 404, otherVendor: 404 },
      },
    ],
    hidden: sealedUntilDeadline,
  },
  'GET /api/files/:id/receipt': {
    allow: ['secretariat', 'vendor'],
    except: receiptHidden,
    req: path((w) => `/api/files/${w.proposalFile}/receipt`),
    variants: [{ name: 'an RFI attachment', req: path((w) => `/api/files/${w.rfiFile}/receipt`), expect: { secretariat: 'ok', vendor: 'ok', otherVendor: 404 } }],
  },
  'GET /api/files/:id/receipt.pdf': { allow: ['secretariat', 'vendor'], except: receiptHidden, req: path((w) => `/api/files/${w.proposalFile}/receipt.pdf`) },
  'GET /api/receipts': { allow: ['vendor'], req: path(() => '/api/receipts') },

  // notifications and calendars: each person's own; another's notification is not found
  'GET /api/notifications': { allow: 'user', req: path(() => '/api/notifications') },
  'POST /api/notifications/read-all': { allow: 'user', req: path(() => '/api/notifications/read-all') },
  'POST /api/notifications/:id/read': { allow: 'user', except: onlyTheVendor, req: path((w) => `/api/notifications/${w.notificationId}/read`) },
  'GET /api/notifications/preferences': { allow: 'user', req: path(() => '/api/notifications/preferences') },
  'PUT /api/notifications/preferences': { allow: 'user', req: () => ({ path: '/api/notifications/preferences', body: { email: { survey_closing: true } } }) },
  'POST /api/calendar/token': { allow: 'user', req: path(() => '/api/calendar/token') },
  'DELETE /api/calendar/token': { allow: 'user', req: path(() => '/api/calendar/token') },
  // the token in the address is the credential: no login, and an unknown one is not found
  'GET /api/calendar/:file{[A-Za-z0-9_-]+\\.ics}': {
    allow: 'anyone',
    req: path((w) => w.calendarFeed),
    variants: [{ name: 'an unknown token', req: path(() => '/api/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics'), expect: { none: 404, vendor: 404 } }],
  },

  // audit: the secretariat reads its consortium's chain, the operator the platform's
  'GET /api/audit': {
    allow: ['secretariat'],
    except: { operator: 'ok' },
    req: path((w) => `/api/audit?caseId=${w.proposalCase}`),
    variants: [
      { name: 'the log of a case taking proposals', req: path((w) => `/api/audit?caseId=${w.earlyCase}`), expect: { secretariat: 'ok' } },
      // the unpublished case's title sits in its audit entries: another consortium's secretariat asking for that case sees none of it
      { name: "another consortium's unpublished case", req: path((w) => `/api/audit?caseId=${w.draftCase}`), expect: { secretariat: 'ok', bSecretariat: 'ok', operator: 'ok' } },
    ],
    hidden: sealedUntilDeadline,
  },
  'GET /api/audit/verify': { allow: ['secretariat'], except: { operator: 'ok' }, req: path(() => '/api/audit/verify') },

  // pages: sign-in and registration
  'GET /': { allow: 'user', req: path(() => '/') },
  'GET /login': { allow: 'anyone', req: path(() => '/login') },
  'POST /login': { allow: 'anyone', fresh: true, req: () => ({ path: '/login', form: { email: emails.evaluator, password: PASSWORD } }) },
  // whoever posts it ends up on the login page, signed out
  'POST /logout': { allow: 'anyone', fresh: true, signsOut: true, except: every('login'), req: () => ({ path: '/logout', form: {} }) },
  'GET /register': { allow: 'anyone', req: path(() => '/register') },
  'POST /register': { allow: 'anyone', req: () => ({ path: '/register', form: { companyName: '' } }) },

  // pages: cases
  'GET /cases': { allow: 'user', req: path(() => '/cases') },
  'POST /cases': { allow: ['secretariat'], req: () => ({ path: '/cases', form: { title: '画面からの案件', method: 'proposal', contractMode: 'individual', fiscalYear: '2026' } }) },
  'GET /cases/:id': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path(page),
    variants: [
      { name: 'an unpublished case', req: path((w) => `/cases/${w.draftCase}`), expect: { secretariat: 'ok', member: 'ok', evaluator: 'ok', vendor: 404, otherVendor: 404 } },
      { name: 'proposals before the deadline', req: path((w) => `/cases/${w.earlyCase}`), expect: { secretariat: 'ok' } },
    ],
    hidden: (w) => ({ ...sealedUntilDeadline(), ...unmasked(w) }),
  },
  'POST /cases/:id/transition': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/transition`, form: { to: 'draft' } }) },
  'POST /cases/:id/edit': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/edit`, form: { title: '' } }) },
  'POST /cases/:id/options': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/options`, form: { code: 'extra', name: '追加オプション', price: '' } }) },
  'POST /cases/:id/apportionment': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/apportionment`, form: { method: '' } }) },
  'GET /cases/:id/participation': { allow: ['secretariat', 'member'], req: path((w) => `${page(w)}/participation`) },
  'GET /cases/:id/years': { allow: ['secretariat', 'member'], req: path((w) => `${page(w)}/years`) },
  'POST /cases/:id/follow': { allow: ['vendor'], req: (w) => ({ path: `${page(w)}/follow`, form: { following: 'on' } }) },
  'POST /cases/:id/documents/issue': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/documents/issue`, form: { kind: 'spec', confirm: 'on' } }) },
  'GET /settings': { allow: ['secretariat'], req: path(() => '/settings') },
  'POST /settings': { allow: ['secretariat'], req: () => ({ path: '/settings', form: { issuerName: '' } }) },
  'GET /users': { allow: ['secretariat'], req: path(() => '/users') },
  // the address is taken: refused with the form again, nothing created
  'POST /users': { allow: ['secretariat'], req: () => ({ path: '/users', form: { name: '重複', email: emails.evaluator, role: 'evaluator', password: PASSWORD } }) },
  'GET /users/:id': { allow: ['secretariat'], req: path((w) => `/users/${w.evaluatorId}`) },
  // unconfirmed: refused with the page again, the account stays as it is
  'POST /users/:id/disable': { allow: ['secretariat'], req: (w) => ({ path: `/users/${w.evaluatorId}/disable`, form: {} }) },
  'POST /users/:id/enable': { allow: ['secretariat'], req: (w) => ({ path: `/users/${w.evaluatorId}/enable`, form: {} }) },
  'POST /users/:id/password': { allow: ['secretariat'], req: (w) => ({ path: `/users/${w.evaluatorId}/password`, form: { password: 'short' } }) },
  'GET /consortia': { allow: 'operator', req: path(() => '/consortia') },
  'POST /consortia': { allow: 'operator', req: () => ({ path: '/consortia', form: { name: '重複協議会', secretariatName: '重複', secretariatEmail: emails.secretariat, secretariatPassword: PASSWORD } }) },
  'GET /audit': { allow: ['secretariat'], except: { operator: 'ok' }, req: path(() => '/audit?verify=1'), hidden: sealedUntilDeadline },
  'GET /audit/csv': { allow: ['secretariat'], except: { operator: 'ok' }, req: path(() => '/audit/csv'), hidden: sealedUntilDeadline },
  'POST /cases/:id/years/:fiscalYear/close': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/years/2026/close`, form: { confirm: 'on' } }) },
  'POST /cases/:id/years/:fiscalYear/amendments': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/years/2026/amendments`, form: { reason: '変更契約' } }) },
  'POST /cases/:id/contract-party': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/contract-party`, form: { memberId: '' } }) },
  'POST /cases/:id/participation': {
    allow: ['secretariat', 'member'],
    req: (w) => ({ path: `${page(w)}/participation`, form: { member: w.a.memberIds[0]!, participating: 'on', opt_backup: 'on' } }),
  },
  'GET /cases/:id/participation/bulk': { allow: ['secretariat'], req: path((w) => `${page(w)}/participation/bulk`) },
  'POST /cases/:id/participation/bulk': {
    allow: ['secretariat'],
    req: (w) => ({ path: `${page(w)}/participation/bulk`, form: { m: w.a.memberIds[1]!, [`p_${w.a.memberIds[1]!}`]: 'on' } }),
  },
  'GET /members': { allow: ['secretariat', 'member'], req: path(() => '/members') },
  'POST /members/import': { allow: ['secretariat'], req: () => ({ path: '/members/import', form: {} }) },
  'GET /vendors': { allow: ['secretariat'], req: path(() => '/vendors') },
  'POST /vendors/:id/qualification': { allow: ['secretariat'], req: (w) => ({ path: `/vendors/${w.a.vendorId}/qualification`, form: { status: 'approved' } }) },
  'POST /vendors/:id/details': { allow: ['secretariat'], req: (w) => ({ path: `/vendors/${w.a.vendorId}/details`, form: { address: '熊本市中央区水前寺6丁目18番1号', representative: '' } }) },
  'POST /vendors/import': { allow: ['secretariat'], req: () => ({ path: '/vendors/import', form: {} }) },
  'GET /surveys': { allow: ['secretariat', 'member'], req: path(() => '/surveys') },
  'POST /surveys': { allow: ['secretariat'], req: () => ({ path: '/surveys', form: { title: '', candidates: '' } }) },
  'GET /surveys/:id': { allow: ['secretariat', 'member'], req: path((w) => `/surveys/${w.surveyId}`) },
  'POST /surveys/:id/answer': { allow: ['member'], req: (w) => ({ path: `/surveys/${w.surveyId}/answer`, form: { ranking: 'erp', intent_erp: 'join' } }) },
  'POST /surveys/:id/candidates': { allow: ['secretariat', 'member'], req: (w) => ({ path: `/surveys/${w.surveyId}/candidates`, form: { name: '画面からの提案' } }) },
  'POST /surveys/:id/shortlist': { allow: ['secretariat'], req: (w) => ({ path: `/surveys/${w.surveyId}/shortlist`, form: { codes: 'erp' } }) },
  'POST /surveys/:id/candidates/:code/case': { allow: ['secretariat'], req: (w) => ({ path: `/surveys/${w.surveyId}/candidates/doc/case`, form: { title: '', method: 'proposal' } }) },
  'POST /surveys/:id/confirm': { allow: ['secretariat'], req: (w) => ({ path: `/surveys/${w.surveyId}/confirm`, form: {} }) },

  // pages: the vendor's side
  'GET /cases/:id/rfi': { allow: ['secretariat', 'vendor'], req: path((w) => `${page(w)}/rfi`) },
  'POST /cases/:id/rfi': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/rfi`, form: { deadline: '' } }) },
  'POST /cases/:id/rfi/answer': { allow: ['vendor'], req: (w) => ({ path: `${page(w)}/rfi/answer`, form: { ans_summary: '遅れた回答' } }) },
  'POST /cases/:id/rfi/upload': { allow: ['vendor'], req: (w) => ({ path: `${page(w)}/rfi/upload`, form: {} }) },
  'GET /cases/:id/rfi/responses': { allow: ['secretariat'], req: path((w) => `${page(w)}/rfi/responses`) },
  'GET /cases/:id/submit': { allow: ['vendor'], req: path((w) => `${page(w)}/submit`) },
  'POST /cases/:id/submit/upload': { allow: ['vendor'], req: (w) => ({ path: `${page(w)}/submit/upload`, form: {} }) },
  'POST /cases/:id/submit/price': { allow: ['vendor'], req: (w) => ({ path: `${page(w)}/submit/price`, form: { price: '1' } }) },
  'POST /cases/:id/submit/withdraw': { allow: ['vendor'], req: (w) => ({ path: `${page(w)}/submit/withdraw`, form: {} }) },
  'GET /receipts': { allow: ['vendor'], req: path(() => '/receipts') },

  // pages: notifications, e-mail preferences and the calendar address, each person's own
  'GET /notifications': { allow: 'user', req: path(() => '/notifications') },
  'POST /notifications/:id/read': { allow: 'user', except: onlyTheVendor, req: (w) => ({ path: `/notifications/${w.notificationId}/read`, form: {} }) },
  'POST /notifications/read-all': { allow: 'user', req: () => ({ path: '/notifications/read-all', form: {} }) },
  'POST /notifications/preferences': { allow: 'user', req: () => ({ path: '/notifications/preferences', form: { email: 'case_published' } }) },
  'POST /notifications/calendar': { allow: 'user', req: () => ({ path: '/notifications/calendar', form: {} }) },
  'POST /notifications/calendar/revoke': { allow: 'user', req: () => ({ path: '/notifications/calendar/revoke', form: {} }) },

  // pages: evaluation
  'GET /cases/:id/evaluate': {
    committee: true,
    allow: ['evaluator'],
    req: path((w) => `${page(w)}/evaluate`),
    variants: [{ name: 'proposals before the deadline', req: path((w) => `/cases/${w.earlyCase}/evaluate`), expect: { evaluator: 'ok' } }],
    hidden: unmasked,
  },
  'POST /cases/:id/evaluate/coi': { committee: true, allow: ['evaluator'], req: (w) => ({ path: `${page(w)}/evaluate/coi`, form: { conflict: 'false' } }) },
  'GET /cases/:id/evaluate/:ref': {
    committee: true,
    allow: ['evaluator'],
    req: path((w) => `${page(w)}/evaluate/${w.refs.vendor}`),
    variants: [{ name: 'a proposal before the deadline', req: path((w) => `/cases/${w.earlyCase}/evaluate/${w.a.vendorId}`), expect: { evaluator: 'ok' } }],
    hidden: unmasked,
  },
  'GET /cases/:id/evaluate/:ref/submit': {
    committee: true,
    allow: ['evaluator'],
    req: path((w) => `${page(w)}/evaluate/${w.refs.vendor}/submit`),
    hidden: unmasked,
  },
  'POST /cases/:id/evaluate/:ref/submit': { committee: true, allow: ['evaluator'], req: (w) => ({ path: `${page(w)}/evaluate/${w.refs.vendor}/submit`, form: { version: '0' } }), hidden: unmasked },
  'POST /cases/:id/evaluate/:ref': { committee: true, allow: ['evaluator'], req: (w) => ({ path: `${page(w)}/evaluate/${w.refs.vendor}`, form: { score_func: '50' } }), hidden: unmasked },
  'GET /cases/:id/evaluation': { allow: ['secretariat'], req: path((w) => `${page(w)}/evaluation`) },
  'POST /cases/:id/evaluation': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/evaluation`, form: {} }) },
  'POST /cases/:id/evaluation/close': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/evaluation/close`, form: {} }) },
  'POST /cases/:id/evaluation/reopen': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/evaluation/reopen`, form: {} }) },

  // pages: bidding
  'GET /cases/:id/bid': {
    allow: ['vendor'],
    req: path((w) => `${bidPage(w)}/bid`),
    variants: [onRebid('a tender between re-bid rounds', path((w) => `/cases/${w.rebidCase}/bid`), ['vendor', 'otherVendor'])],
    hidden: whoBid,
  },
  'POST /cases/:id/bid': { allow: ['vendor'], req: (w) => ({ path: `${bidPage(w)}/bid`, form: { amount: '4000000', lotNumber: '1' } }) },
  'POST /cases/:id/bid/confirm': { allow: ['vendor'], req: (w) => ({ path: `${bidPage(w)}/bid/confirm`, form: { amount: '4000000', lotNumber: '1' } }) },
  'POST /cases/:id/bid/decline': { allow: ['vendor'], req: (w) => ({ path: `${bidPage(w)}/bid/decline`, form: {} }) },
  'GET /bid-digest': {
    allow: 'anyone',
    req: path((w) => `/bid-digest?case=${w.bidCase}&round=1`),
    hidden: (w) => ({ otherVendor: [w.a.vendorId], member: [w.a.vendorId], evaluator: [w.a.vendorId] }),
  },
  'GET /cases/:id/bidding': { allow: ['secretariat'], req: path((w) => `${bidPage(w)}/bidding`) },
  'POST /cases/:id/bidding': { allow: ['secretariat'], req: (w) => ({ path: `${bidPage(w)}/bidding`, form: {} }) },
  'POST /cases/:id/bidding/paper': { allow: ['secretariat'], req: (w) => ({ path: `${bidPage(w)}/bidding/paper`, form: {} }) },
  'POST /cases/:id/bidding/open': { allow: ['secretariat'], req: (w) => ({ path: `${bidPage(w)}/bidding/open`, form: {} }) },
  'POST /cases/:id/bidding/rebid': { allow: ['secretariat'], req: (w) => ({ path: `${bidPage(w)}/bidding/rebid`, form: {} }) },
  'POST /cases/:id/bidding/investigation': { allow: ['secretariat'], req: (w) => ({ path: `${bidPage(w)}/bidding/investigation`, form: {} }) },

  // pages: spec and award
  'GET /cases/:id/spec': { allow: ['secretariat', 'member', 'evaluator', 'vendor'], req: path((w) => `${page(w)}/spec`) },
  'GET /cases/:id/spec/versions/:version': { allow: ['secretariat', 'member'], req: path((w) => `${page(w)}/spec/versions/1`) },
  'GET /cases/:id/spec/diff': { allow: ['secretariat', 'member'], req: path((w) => `${page(w)}/spec/diff?from=1&to=1`) },
  'POST /cases/:id/spec': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/spec`, form: {} }) },
  'POST /cases/:id/spec/comments': { allow: ['member'], req: (w) => ({ path: `${page(w)}/spec/comments`, form: { section: '業務概要', text: '期間外の意見' } }) },
  'POST /cases/:id/spec/comments/:commentId': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/spec/comments/${w.commentId}`, form: {} }) },

  // pages: questions (質問・回答); unconfirmed, the publication is refused and publishes nothing
  'GET /cases/:id/questions': {
    allow: ['secretariat', 'member', 'evaluator', 'vendor'],
    req: path((w) => `${page(w)}/questions`),
    variants: [{ name: 'an unpublished case', req: path((w) => `/cases/${w.draftCase}/questions`), expect: { secretariat: 'ok', member: 'ok', vendor: 404, otherVendor: 404 } }],
    hidden: (w) => ({ ...questionHidden(), vendor: [w.a.vendorId, `${A}事業者1`], otherVendor: [unpublishedQuestion, w.a.vendorId, `${A}事業者1`] }),
  },
  'POST /cases/:id/questions': { allow: ['member', 'vendor'], req: (w) => ({ path: `${page(w)}/questions`, form: { text: '期間外の質問' } }) },
  'POST /cases/:id/questions/publish': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/questions/publish`, form: {} }) },
  'POST /cases/:id/questions/:questionId/answer': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/questions/${w.questionId}/answer`, form: {} }) },
  'POST /cases/:id/award': { allow: ['secretariat'], req: (w) => ({ path: `${page(w)}/award`, form: {} }) },

  // public pages
  'GET /public': { allow: 'anyone', req: path(() => '/public') },
  'GET /public/cases/:id': {
    allow: 'anyone',
    req: path((w) => `/public/cases/${w.bidCase}`),
    variants: [onRebid('a tender between re-bid rounds', path((w) => `/public/cases/${w.rebidCase}`), ['none', 'member'])],
  },
  'GET /public/feed.xml': { allow: 'anyone', req: path(() => '/public/feed.xml') },
};

// ---------------------------------------------------------------------------------------------
// Deciding and checking

const isApi = (p: string) => p.startsWith('/api/') || p === '/healthz' || p === '/readyz' || p === '/metrics';

/** What `allow` implies for a caller, before the entry's exceptions. */
function implied(entry: Entry, caller: Caller, api: boolean, namesObject: boolean): Outcome {
  if (entry.except?.[caller] !== undefined) return entry.except[caller];
  if (entry.allow === 'anyone') return 'ok';
  if (caller === 'none') return api ? 401 : 'login';
  if (entry.allow === 'user') return 'ok';
  const role = roleOf[caller]!;
  if (entry.allow === 'operator') return role === 'operator' ? 'ok' : 403;
  if (role === 'operator' || !entry.allow.includes(role)) return 403;
  if (inOtherConsortium(caller) && namesObject) return 404;
  return caller === 'outsideEvaluator' && entry.committee ? 404 : 'ok';
}

/** The route pattern as a regular expression over concrete paths (`:id` is one segment, `:name{re}` its pattern). */
function patternOf(route: string): RegExp {
  const segments = route.split('/').map((s) => {
    const param = /^:\w+(?:\{(.+)\})?$/.exec(s);
    if (param) return param[1] ? `(?:${param[1]})` : '[^/]+';
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}

const textual = (res: Reply) => /json|html|csv|xml|text/.test(res.headers.get('content-type') ?? '');
const isPdf = (res: Reply) => (res.headers.get('content-type') ?? '').startsWith('application/pdf');
const scratch = new Scratch();

/**
 * The text a reader of the answer gets: the body, or a document's text layer (whitespace removed, so a
 * wrapped cell reads as one run). A downloaded upload is the bytes the vendor sent, read as they are.
 */
function readableText(res: Reply): string | null {
  if (textual(res)) return res.text;
  if (!isPdf(res) || res.status !== 200) return null;
  const path = scratch.write(`answer-${Math.random().toString(16).slice(2)}.pdf`, res.bytes);
  const extracted = spawnSync('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  return extracted.status === 0 ? extracted.stdout.replace(/\s+/g, '') : Buffer.from(res.bytes).toString('utf8');
}

/** Why the answer is not the expected outcome, or null when it is. */
function mismatch(res: Reply, want: Outcome, api: boolean): string | null {
  const location = res.headers.get('location') ?? '';
  const toLogin = res.status === 303 && location.startsWith('/login');
  const got = `${res.status}${location ? ` → ${location}` : ''}${api && res.body?.error?.code ? ` ${res.body.error.code}` : ''}`;
  if (want === 'ok') return [401, 403, 404].includes(res.status) || res.status >= 500 || toLogin ? `expected to be let through, got ${got}` : null;
  if (want === 'login') return toLogin ? null : `expected a redirect to the login page, got ${got}`;
  if (res.status !== want) return `expected ${want}, got ${got}`;
  if (api) {
    const body = res.body as { error?: { code?: unknown; message?: unknown } } | string;
    const error = typeof body === 'object' ? body.error : undefined;
    const shaped =
      typeof body === 'object' && Object.keys(body).join() === 'error' && error !== undefined &&
      Object.keys(error).sort().join() === 'code,message' && error.code === refusalCode[want] && typeof error.message === 'string' && error.message !== '';
    if (!shaped) return `expected the body {error: {code: ${refusalCode[want]}, message}}, got ${res.text.slice(0, 200)}`;
  } else if (!(res.headers.get('content-type') ?? '').includes('text/html')) {
    return `expected an HTML error page, got ${res.headers.get('content-type')}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The run

/** The app's routes as `METHOD path`, once each (middleware for every method left out). The route table does not depend on the dependencies given. */
function routesOf(app: { routes: { method: string; path: string }[] }): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
}
const appRoutes = routesOf(createApp({} as Deps));

let h: Harness;
let w: World;
const tokens = {} as Record<Caller, string | undefined>;
const userIds = {} as Record<Exclude<Caller, 'none'>, string>;

/** A new session for the caller, as a login would start it. */
async function freshToken(caller: Exclude<Caller, 'none'>): Promise<string> {
  const token = newSessionToken();
  await createSession(h.database.db, hashToken(token), userIds[caller], h.clock.now(), h.deps.config.sessionMaxMs);
  return token;
}

async function auditCount() {
  const [row] = await h.database.db.select({ n: count() }).from(auditLog);
  return Number(row!.n);
}

async function send(method: string, req: Request, token: string | undefined): Promise<Reply> {
  if (isApi(req.path)) {
    if (req.raw) return h.call(method, req.path, { token, body: req.raw.body, headers: { 'content-type': req.raw.type } });
    return h.call(method, req.path, { token, body: req.body });
  }
  const cookie = token ? `${SESSION_COOKIE}=${token}` : undefined;
  if (method === 'GET') return h.call('GET', req.path, { headers: cookie ? { cookie } : {} });
  return h.form(cookie, req.path, req.form ?? {});
}

function must(res: Reply, status: number, what: string): Reply {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  return res;
}

async function buildWorld(): Promise<World> {
  const [a, b] = await Promise.all([createTenant(h, A), createTenant(h, B)]);
  const call = async (token: string, method: string, p: string, body: unknown, status = 200) => must(await h.call(method, p, { token, body }), status, `${method} ${p}`).body;
  const uploadFile = async (token: string, p: string, name: string, status = 201) => {
    const { body, contentType } = multipartBody(name, pdf);
    return must(await h.call('POST', p, { token, body, headers: { 'content-type': contentType } }), status, `upload ${name}`).body;
  };
  const evaluatorId = (await call(a.evaluator, 'GET', '/api/me', undefined)).user.id as string;
  await call(a.secretariat, 'POST', '/api/users', { email: emails.outsideEvaluator, name: '委員外の評価委員', role: 'evaluator', password: PASSWORD }, 201);
  const newCase = async (token: string, body: Record<string, unknown>) => (await call(token, 'POST', '/api/cases', { contractMode: 'individual', fiscalYear: 2026, ...body }, 201)).case.id as string;
  // a notice is published with its spec (a case without one gets a one-chapter spec first)
  const move = async (token: string, id: string, to: string) => {
    if (to === 'open') await putSpec(h, token, id);
    return call(token, 'POST', `/api/cases/${id}/transition`, { to });
  };

  // the proposal case: participants, an apportionment, an RFI both vendors answered with a file each
  const proposalTitle = '基幹業務システムの共同調達';
  const proposalCase = await newCase(a.secretariat, {
    title: proposalTitle,
    method: 'proposal',
    contractMode: 'bulk',
    options: [{ code: 'backup', name: '遠隔バックアップ', price: 120_000 }],
    rfiDeadline: RFI_DEADLINE,
    questionDeadline: SUBMISSION_DEADLINE,
    submissionDeadline: SUBMISSION_DEADLINE,
  });
  const p = `/api/cases/${proposalCase}`;
  await call(a.member, 'PUT', `${p}/participants/${a.memberIds[0]}`, ownParticipation);
  await call(a.secretariat, 'PUT', `${p}/participants/${a.memberIds[1]}`, { participating: true, options: {} });
  await call(a.secretariat, 'PUT', `${p}/apportionment`, { method: 'equal', total: 1_000_000 });
  await call(a.secretariat, 'PUT', `${p}/rfi`, rfiBody);
  await move(a.secretariat, proposalCase, 'rfi');
  const vendors = [
    [a.vendor, owned.vendor],
    [a.otherVendor, owned.otherVendor],
  ] as const;
  const rfiFiles: string[] = [];
  for (const [token, secrets] of vendors) {
    await call(token, 'PUT', `${p}/rfi/response`, { answers: { summary: secrets.rfiAnswer }, submit: true });
    rfiFiles.push((await uploadFile(token, `${p}/rfi/response/files`, secrets.rfiFile)).file.id);
  }
  // the spec and a member's comment in the opinion inquiry
  await call(a.secretariat, 'PUT', `${p}/spec`, { ...specBody, reason: '仕様書を定めます。' });
  await move(a.secretariat, proposalCase, 'spec_review');
  const commentId = (await call(a.member, 'POST', `${p}/spec/comments`, { section: '業務概要', text: 'バックアップの頻度を明記してください。' }, 201)).comment.id as string;
  // proposals from both vendors, and a committee of one evaluator who declared no conflict
  await move(a.secretariat, proposalCase, 'open');
  const questionId = (await call(a.vendor, 'POST', `${p}/questions`, { text: unpublishedQuestion, section: '業務概要' }, 201)).question.id as string;
  const proposalFiles: string[] = [];
  for (const [token, secrets] of vendors) {
    proposalFiles.push((await uploadFile(token, `${p}/proposal/files`, secrets.proposalFile)).file.id);
    await call(token, 'PUT', `${p}/proposal`, { price: secrets.price });
  }
  await call(a.secretariat, 'PUT', `${p}/evaluation`, { criteria, aggregation: 'average', evaluatorIds: [evaluatorId], anonymize: true, reason: '評価基準を定めます。' });
  await call(a.evaluator, 'POST', `${p}/evaluation/coi`, { conflict: false });

  // a second proposal case, taking proposals until after the matrix runs, before the same committee
  const earlyCase = await newCase(a.secretariat, { title: '文書管理システムの共同調達', method: 'proposal', submissionDeadline: LATER_DEADLINE });
  const e = `/api/cases/${earlyCase}`;
  await move(a.secretariat, earlyCase, 'open');
  const earlyFiles: string[] = [];
  for (const [token, secrets] of [
    [a.vendor, owned.early.vendor],
    [a.otherVendor, owned.early.otherVendor],
  ] as const) {
    earlyFiles.push((await uploadFile(token, `${e}/proposal/files`, secrets.proposalFile)).file.id);
    await call(token, 'PUT', `${e}/proposal`, { price: secrets.price });
  }
  await call(a.secretariat, 'PUT', `${e}/evaluation`, { criteria, aggregation: 'average', evaluatorIds: [evaluatorId], reason: '評価基準を定めます。' });
  await call(a.evaluator, 'POST', `${e}/evaluation/coi`, { conflict: false });

  // a survey answered by the member for itself and by the secretariat for the other member
  const surveyTitle = '共同調達の意向調査';
  const surveyId = (await call(a.secretariat, 'POST', '/api/surveys', { title: surveyTitle, candidates: [{ code: 'erp', name: '基幹業務' }, { code: 'doc', name: '文書管理' }] }, 201)).survey.id as string;
  await call(a.member, 'PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[0]}`, ownSurveyAnswer);
  await call(a.secretariat, 'PUT', `/api/surveys/${surveyId}/responses/${a.memberIds[1]}`, { ranking: ['doc'], intents: { doc: 'study' } });

  // a tender both vendors have bid on, opening still ahead; and one opened and awarded
  const bidCase = await newCase(a.secretariat, { title: '庁舎清掃業務の委託', method: 'competitive_bid' });
  await call(a.secretariat, 'PUT', `/api/cases/${bidCase}/bidding`, tenderBidding);
  await move(a.secretariat, bidCase, 'open');
  const awardedCase = await newCase(a.secretariat, { title: 'ごみ収集車両の購入', method: 'competitive_bid' });
  await call(a.secretariat, 'PUT', `/api/cases/${awardedCase}/bidding`, awardedBidding);
  await move(a.secretariat, awardedCase, 'open');
  for (const [token, sealedAmount, amount] of [
    [a.vendor, owned.tender.bids.vendor, 4_500_000],
    [a.otherVendor, owned.tender.bids.otherVendor, 4_800_000],
  ] as const) {
    await call(token, 'POST', `/api/cases/${bidCase}/bids`, { amount: sealedAmount, lotNumber: 7 }, 201);
    await call(token, 'POST', `/api/cases/${awardedCase}/bids`, { amount, lotNumber: 7 }, 201);
  }
  const draftCase = await newCase(a.secretariat, { title: owned.draftTitle, method: 'proposal' });
  await newCase(b.secretariat, { title: owned.otherConsortium.caseTitle, method: 'proposal' });

  // the re-bid tender: both bids above its ceiling, so round 1 calls a re-bid and round 2 is still ahead
  const rebidCase = await newCase(a.secretariat, { title: '防災行政無線の保守', method: 'competitive_bid' });
  await call(a.secretariat, 'PUT', `/api/cases/${rebidCase}/bidding`, rebidBidding);
  await move(a.secretariat, rebidCase, 'open');
  await call(a.vendor, 'POST', `/api/cases/${rebidCase}/bids`, { amount: owned.rebid.bids.vendor, lotNumber: 1 }, 201);
  await call(a.otherVendor, 'POST', `/api/cases/${rebidCase}/bids`, { amount: owned.rebid.bids.otherVendor, lotNumber: 2 }, 201);

  h.clock.set(AWARDED_OPENING);
  expect((await call(a.secretariat, 'POST', `/api/cases/${rebidCase}/bids/open`, undefined)).outcome).toBe('rebid');
  await call(a.secretariat, 'POST', `/api/cases/${rebidCase}/bids/rounds`, { deadlineAt: BID_DEADLINE, openingAt: BID_OPENING }, 201);
  await call(a.secretariat, 'POST', `/api/cases/${awardedCase}/bids/open`, undefined);
  await call(a.secretariat, 'POST', `/api/cases/${awardedCase}/award`, {}, 201);

  // after the proposal deadline: the case is being evaluated, one sheet submitted and one a draft
  h.clock.set(NOW);
  await move(a.secretariat, proposalCase, 'evaluation');
  // the committee knows the proposals by the refs of its list (提案者A is the vendor's, which proposed first)
  const listed = (await call(a.evaluator, 'GET', `${p}/evaluation/proposals`, undefined)).proposals as { ref: string; price: number }[];
  const refs = { vendor: listed.find((x) => x.price === owned.vendor.price)!.ref, otherVendor: listed.find((x) => x.price === owned.otherVendor.price)!.ref };
  await call(a.evaluator, 'PUT', `${p}/evaluation/sheets/${refs.vendor}`, { scores: { func: 50 } });
  await call(a.evaluator, 'POST', `${p}/evaluation/sheets/${refs.vendor}/submit`, undefined);
  await call(a.evaluator, 'PUT', `${p}/evaluation/sheets/${refs.otherVendor}`, { scores: { func: 40 } });

  // a notification for the vendor, and a calendar address of a second user of its company
  const vendorUserId = (await call(a.vendor, 'GET', '/api/me', undefined)).user.id as string;
  const notificationId = randomUUID();
  await h.database.db.insert(notifications).values({ id: notificationId, consortiumId: a.consortiumId, userId: vendorUserId, kind: 'answers_published', caseId: proposalCase, subject: '【回答】質問への回答を公表しました', body: '回答を公表しました。\n', link: `/cases/${proposalCase}`, createdAt: h.clock.now() });
  await call(a.secretariat, 'POST', '/api/users', { email: `calendar-${A}@test.example`, name: '事業者一 カレンダー', role: 'vendor', vendorId: a.vendorId, password: PASSWORD }, 201);
  const calendarFeed = new URL((await call(await h.login(`calendar-${A}@test.example`), 'POST', '/api/calendar/token', undefined, 201)).url).pathname;

  return {
    a,
    b,
    evaluatorId,
    proposalCase,
    refs,
    proposalTitle,
    earlyCase,
    earlyFile: earlyFiles[0]!,
    bidCase,
    awardedCase,
    rebidCase,
    draftCase,
    surveyId,
    surveyTitle,
    commentId,
    proposalFile: proposalFiles[0]!,
    rfiFile: rfiFiles[0]!,
    questionId,
    notificationId,
    calendarFeed,
  };
}

beforeAll(async () => {
  // the world spans weeks of the test clock: sessions outlast it
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  w = await buildWorld();
  tokens.none = undefined;
  tokens.operator = await h.login(OPERATOR.email, OPERATOR.password);
  Object.assign(tokens, {
    secretariat: w.a.secretariat,
    member: w.a.member,
    evaluator: w.a.evaluator,
    outsideEvaluator: await h.login(emails.outsideEvaluator),
    vendor: w.a.vendor,
    otherVendor: w.a.otherVendor,
    bSecretariat: w.b.secretariat,
    bMember: w.b.member,
    bEvaluator: w.b.evaluator,
    bVendor: w.b.vendor,
  });
  for (const caller of callers) {
    if (caller === 'none') continue;
    const me = must(await h.call('GET', '/api/me', { token: tokens[caller] }), 200, `${caller} signed in`);
    userIds[caller] = me.body.user.id;
  }
}, 120_000);
afterAll(async () => {
  scratch.remove();
  await h?.close();
});

describe('the access table', () => {
  it('has one entry for every route of the app, and a route for every entry', () => {
    const live = new Set(routesOf(h.app));
    expect(live.size).toBeGreaterThan(100);
    const withoutEntry = [...live].filter((r) => !(r in table));
    const withoutRoute = Object.keys(table).filter((r) => !live.has(r));
    expect({ withoutEntry, withoutRoute }).toEqual({ withoutEntry: [], withoutRoute: [] });
  });
});

describe('access matrix', () => {
  it.each(appRoutes)('%s', async (route) => {
    const entry = table[route];
    expect(entry, `${route} has no entry in the access table: classify who may use it`).toBeDefined();
    const [method, pattern] = route.split(' ') as [string, string];
    const api = isApi(pattern);
    const namesObject = pattern.includes('/:');
    const checks: { caller: Caller; variant: string; req: Request; want: Outcome }[] = [];
    const main = entry!.req(w);
    for (const caller of callers) checks.push({ caller, variant: '', req: main, want: implied(entry!, caller, api, namesObject) });
    for (const variant of entry!.variants ?? []) {
      const req = variant.req(w);
      for (const [caller, want] of Object.entries(variant.expect) as [Caller, Outcome][]) checks.push({ caller, variant: variant.name, req, want });
    }
    for (const { req } of checks) expect(req.path.split('?')[0], `the request for ${route}`).toMatch(patternOf(pattern));

    const hidden = entry!.hidden?.(w) ?? {};
    const failures: string[] = [];
    const run = async (check: (typeof checks)[number]) => {
      const token = entry!.fresh && check.caller !== 'none' ? await freshToken(check.caller) : tokens[check.caller];
      const res = await send(method, check.req, token);
      const who = `${check.caller}${check.variant ? ` on ${check.variant}` : ''}`;
      const problem = mismatch(res, check.want, api);
      if (problem) failures.push(`${who}: ${problem}`);
      const text = readableText(res);
      if (text !== null) {
        const leaked = [...neverShown[check.caller], ...(hidden[check.caller] ?? [])].filter((secret) => text.includes(secret.replace(/\s+/g, '')) || text.includes(secret));
        if (leaked.length > 0) failures.push(`${who}: the answer shows ${leaked.join(', ')}`);
      }
    };
    // refusals first, so what allowed callers change cannot hide a refusal; a refused change writes nothing
    const refused = checks.filter((c) => c.want !== 'ok' && !entry!.signsOut);
    const before = method === 'GET' ? 0 : await auditCount();
    for (const check of refused) await run(check);
    if (method !== 'GET') {
      const after = await auditCount();
      if (after !== before) failures.push(`refused calls wrote ${after - before} audit entries`);
    }
    for (const check of checks.filter((c) => !refused.includes(c))) await run(check);
    expect(failures).toEqual([]);
  });
});
