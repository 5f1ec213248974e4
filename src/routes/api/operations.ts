import { z } from 'zod';
import { fiscalYearParam } from '../../http/inputs.ts';
import { memberInput } from '../../http/member-input.ts';
import { apportionmentInput } from '../../services/apportionment.ts';
import { awardInput } from '../../services/award.ts';
import { bidInput, biddingInput, decisionInput, paperBidInput, roundInput } from '../../services/bidding.ts';
import { caseInput, casePatch, transitionInput } from '../../services/cases.ts';
import { consortiumInput } from '../../services/consortia.ts';
import { amendmentInput, contractPartyInput, yearQuery } from '../../services/contracts.ts';
import { coiInput, evaluationInput, reopenInput, sheetInput, submitInput } from '../../services/evaluation.ts';
import { issuerInput } from '../../services/issuer.ts';
import { preferencesInput } from '../../services/notifications.ts';
import { participationInput } from '../../services/participation.ts';
import { proposalPriceInput } from '../../services/proposals.ts';
import { qualificationInput, vendorDetailsInput } from '../../services/qualification.ts';
import { questionAnswerInput, questionInput } from '../../services/questions.ts';
import { rfiAnswerInput, rfiInput } from '../../services/rfi.ts';
import { answerInput, commentInput, specInput } from '../../services/spec.ts';
import { candidateCaseInput, confirmInput, proposalInput, responseInput, shortlistInput, surveyInput, surveyPatch } from '../../services/surveys.ts';
import { userInput, userPatch } from '../../services/users.ts';
import { registrationInput } from '../../services/vendor-registration.ts';
import { type ApiOperation, created, csv, json, pdf } from './openapi-document.ts';
import { auditQuery } from './audit.ts';
import { loginInput } from './auth.ts';
import { whatIfQuery } from './cases.ts';
import { documentQuery } from './documents.ts';
import { withdrawInput } from './proposals.ts';
import { headQuery } from './public.ts';
import { listQuery, vendorInput } from './vendors.ts';

/** The groups of the reference, in the order it shows them. */
export const tags = [
  { name: '認証', description: 'ログイン・ログアウトと自分のアカウント' },
  { name: '協議会と利用者', description: '協議会（運営者が作成）、発注者の設定、利用者アカウント' },
  { name: '団体', description: '協議会を構成する団体（都道府県・市町村・一部事務組合など）' },
  { name: '事業者', description: '事業者の登録と入札参加資格' },
  { name: '調達案件', description: '案件の作成・変更・状態の移行、日程の変更と変更・追加の履歴' },
  { name: '参加と負担', description: '参加団体、按分（負担額）、年度の締め、契約' },
  { name: '意向調査', description: '候補の提案、順位と参加意向の回答、集計、案件化' },
  { name: '情報提供依頼', description: 'RFI の設定と事業者の回答' },
  { name: '質問と回答', description: '質問の受付、回答、公表' },
  { name: '提案書', description: '事業者の提案書と提案価格' },
  { name: '評価', description: '評価基準、評価委員会、採点票、結果' },
  { name: '入札', description: '入札の条件、入札、開札、再度入札、低入札価格調査' },
  { name: '仕様書と決定', description: '仕様書、意見照会、決定（落札者・契約の相手方）' },
  { name: '文書', description: '発行する文書（PDF）と OCDS' },
  { name: 'ファイルと受付票', description: '受け付けたファイルと受付票' },
  { name: '公開情報', description: 'ログイン不要の公開情報（公表した案件、OCDS、監査記録の先頭）' },
  { name: '通知とカレンダー', description: '通知、メール通知の設定、予定のカレンダー配信' },
  { name: '監査記録', description: '改ざんを検出できる操作の記録' },
  { name: 'API の説明', description: 'この文書と参照ページ' },
];

const caseRoles = ['secretariat', 'member', 'evaluator', 'vendor'] as const;
const SECRETARIAT = ['secretariat'] as const;
const VENDOR = ['vendor'] as const;
const EVALUATOR = ['evaluator'] as const;
const SECRETARIAT_MEMBER = ['secretariat', 'member'] as const;
const TIME_ZONE_NOTE = '時刻は ISO 8601（オフセット付き、ミリ秒まで）、金額は税抜の整数（円）です。';

const fiscalYear = { fiscalYear: fiscalYearParam };
const apportionmentKeys = ['fiscalYear', 'closed', 'method', 'total', 'sum', 'sumWithTax', 'shares'];
const ocdsKeys = ['uri', 'version', 'publishedDate', 'releases'];
const openedKeys = ['round', 'outcome', 'bids', 'openedAt'];
const issuedFile = { file: z.string().regex(/^[0-9]+\.pdf$/) };
const unreadQuery = z.object({ unread: z.enum(['0', '1', 'true', 'false']).optional().meta({ description: '1（または true）で未読のみ' }) });
const publicCasesQuery = z.object({ fiscalYear: fiscalYearParam.optional() });

/**
 * Every route of the API, keyed as Hono registers it ("METHOD /api/path"). A test fails when a route
 * of the app is missing here or this names one the app does not have.
 */
export const apiOperations: Record<string, ApiOperation> = {
  // 認証
  'POST /api/auth/login': {
    summary: 'ログインする',
    tag: '認証',
    who: 'anyone',
    description: '成功すると token とセッション Cookie を返します。以後は `Authorization: Bearer <token>` か Cookie で呼び出します。',
    body: loginInput,
    ok: json(['token', 'user']),
    errors: ['unauthenticated', 'rate_limited'],
  },
  'POST /api/auth/logout': { summary: 'ログアウトする（セッションを終える）', tag: '認証', who: 'user', ok: json(['ok']) },
  'GET /api/me': { summary: '自分のアカウント', tag: '認証', who: 'user', ok: json(['user'], 200, '{user}: id, email, name, role, consortiumId, memberId?, vendorId?') },

  // 協議会と利用者
  'POST /api/consortia': { summary: '協議会と事務局のアカウントを作る', tag: '協議会と利用者', who: 'operator', body: consortiumInput, ok: created(['consortium', 'user']) },
  'GET /api/consortia': { summary: '協議会の一覧', tag: '協議会と利用者', who: 'operator', ok: json(['consortia']) },
  'GET /api/consortium/settings': { summary: '発注者の設定（文書番号、公印、和暦/西暦など）', tag: '協議会と利用者', who: SECRETARIAT, ok: json(['settings']) },
  'PUT /api/consortium/settings': { summary: '発注者の設定を保存する', tag: '協議会と利用者', who: SECRETARIAT, body: issuerInput, ok: json(['settings']) },
  'POST /api/users': { summary: '利用者アカウントを作る', tag: '協議会と利用者', who: SECRETARIAT, body: userInput, ok: created(['user']) },
  'GET /api/users': { summary: '利用者の一覧', tag: '協議会と利用者', who: SECRETARIAT, ok: json(['users']) },
  'PATCH /api/users/:id': { summary: '利用者を変更する（名前、権限、停止など）', tag: '協議会と利用者', who: SECRETARIAT, body: userPatch, ok: json(['user']) },

  // 団体
  'POST /api/members': { summary: '団体を登録する', tag: '団体', who: SECRETARIAT, body: memberInput, ok: created(['member']) },
  'POST /api/members/import': {
    summary: '団体を CSV で取り込む',
    tag: '団体',
    who: SECRETARIAT,
    description: '見出し行は `name,kind,code,population,births_2023,…` または `団体名,区分,団体コード,人口,出生数_2023,…`。',
    upload: 'csv',
    ok: json(['created', 'errors'], 200, '{created, errors: [{line, message}]}'),
  },
  'GET /api/members': { summary: '団体の一覧', tag: '団体', who: ['secretariat', 'member', 'evaluator'], ok: json(['members']) },
  'GET /api/members/:id': { summary: '団体', tag: '団体', who: ['secretariat', 'member', 'evaluator'], ok: json(['member']) },

  // 事業者
  'POST /api/vendors': { summary: '事業者を登録する（事務局が）', tag: '事業者', who: SECRETARIAT, body: vendorInput, ok: created(['vendor']) },
  'POST /api/vendors/register': {
    summary: '事業者が自ら登録する',
    tag: '事業者',
    who: 'anyone',
    description: '登録した事業者は、事務局が入札参加資格を承認するまで提案・入札できません。',
    body: registrationInput,
    ok: created(['vendor', 'user']),
    errors: ['email_taken', 'duplicate_corporate_number', 'rate_limited'],
  },
  'POST /api/vendors/import': { summary: '入札参加資格者名簿を CSV で取り込む', tag: '事業者', who: SECRETARIAT, description: '見出し行は `商号,法人番号,…`。', upload: 'csv', ok: json(['created', 'errors']) },
  'POST /api/vendors/:id/qualification': { summary: '入札参加資格を審査する（承認・却下）', tag: '事業者', who: SECRETARIAT, body: qualificationInput, ok: json(['vendor']) },
  'GET /api/vendors': { summary: '事業者の一覧', tag: '事業者', who: SECRETARIAT, query: listQuery, ok: json(['vendors']) },
  'PATCH /api/vendors/:id': { summary: '事業者の所在地・代表者を変更する', tag: '事業者', who: ['secretariat', 'vendor'], description: '事業者は自社のみ。', body: vendorDetailsInput, ok: json(['vendor']) },
  'GET /api/vendors/:id': { summary: '事業者', tag: '事業者', who: ['secretariat', 'vendor'], description: '事業者は自社のみ。', ok: json(['vendor']) },

  // 調達案件
  'POST /api/cases': { summary: '案件を作る（下書き）', tag: '調達案件', who: SECRETARIAT, description: TIME_ZONE_NOTE, body: caseInput, ok: created(['case'], '{case}（state は draft）') },
  'GET /api/cases': { summary: '案件の一覧', tag: '調達案件', who: caseRoles, description: '事業者には公表した案件のみ。', ok: json(['cases']) },
  'GET /api/cases/:id': { summary: '案件', tag: '調達案件', who: caseRoles, ok: json(['case']) },
  'PATCH /api/cases/:id': {
    summary: '案件を変更する',
    tag: '調達案件',
    who: SECRETARIAT,
    description: `公表後に期限を動かすときは理由を添えます（延長のみ）。${TIME_ZONE_NOTE}`,
    body: casePatch,
    ok: json(['case']),
  },
  'GET /api/cases/:id/schedule-changes': { summary: '日程の変更の履歴', tag: '調達案件', who: caseRoles, ok: json(['changes']) },
  'GET /api/cases/:id/addenda': { summary: '公表後の変更・追加の一覧', tag: '調達案件', who: caseRoles, ok: json(['addenda']) },
  'POST /api/cases/:id/transition': {
    summary: '案件の状態を移す',
    tag: '調達案件',
    who: SECRETARIAT,
    description: 'draft → rfi → spec_review → open → evaluation → awarded（rfi・spec_review は飛ばせます）。awarded より前ならどの状態からも cancelled へ。',
    body: transitionInput,
    ok: json(['case']),
  },

  // 参加と負担
  'PUT /api/cases/:id/participants/:memberId': { summary: '団体の参加とオプションを登録する', tag: '参加と負担', who: SECRETARIAT_MEMBER, description: '団体の利用者は自団体のみ。', body: participationInput, ok: json(['participant']) },
  'GET /api/cases/:id/participants': { summary: '参加団体の一覧', tag: '参加と負担', who: SECRETARIAT_MEMBER, ok: json(['participants']) },
  'PUT /api/cases/:id/apportionment': { summary: '按分の方法と総額を設定する', tag: '参加と負担', who: SECRETARIAT, body: apportionmentInput, ok: json(apportionmentKeys) },
  'GET /api/cases/:id/apportionment': {
    summary: '団体ごとの負担額',
    tag: '参加と負担',
    who: SECRETARIAT_MEMBER,
    description: 'with / without に団体IDをカンマ区切りで渡すと、その団体が加わった・抜けた場合を試算します。',
    query: whatIfQuery,
    ok: json(apportionmentKeys),
  },
  'GET /api/cases/:id/apportionment.csv': { summary: '参加団体と負担額の CSV', tag: '参加と負担', who: SECRETARIAT_MEMBER, query: whatIfQuery, ok: csv() },
  'POST /api/cases/:id/years/:fiscalYear/close': { summary: '年度の負担額を確定する（締め）', tag: '参加と負担', who: SECRETARIAT, params: fiscalYear, ok: json(apportionmentKeys), errors: ['no_award'] },
  'GET /api/cases/:id/years': { summary: '年度ごとの負担額と締めの状態', tag: '参加と負担', who: SECRETARIAT_MEMBER, ok: json(['years']) },
  'POST /api/cases/:id/years/:fiscalYear/amendments': { summary: '締めた年度を理由を添えて変更する', tag: '参加と負担', who: SECRETARIAT, params: fiscalYear, body: amendmentInput, ok: created(['fiscalYear', 'amendment', 'apportionment']) },
  'PUT /api/cases/:id/contract-party': { summary: '一括契約の契約者（団体）を設定する', tag: '参加と負担', who: SECRETARIAT, body: contractPartyInput, ok: json(['case']) },
  'GET /api/cases/:id/contracts': { summary: '年度の契約と負担金', tag: '参加と負担', who: SECRETARIAT_MEMBER, query: yearQuery, ok: json(['fiscalYear', 'contracts']) },
  'GET /api/cases/:id/contracts.csv': { summary: '年度の契約と負担金の CSV', tag: '参加と負担', who: SECRETARIAT_MEMBER, query: yearQuery, ok: csv() },
  'GET /api/cases/:id/savings': { summary: '共同調達による削減額', tag: '参加と負担', who: SECRETARIAT_MEMBER, query: yearQuery, ok: json(['fiscalYear', 'members', 'total']) },

  // 案件のフォロー
  'GET /api/cases/:id/follow': { summary: '案件をフォローしているか', tag: '調達案件', who: VENDOR, ok: json(['following']) },
  'PUT /api/cases/:id/follow': { summary: '案件をフォローする（変更を通知で受け取る）', tag: '調達案件', who: VENDOR, ok: json(['following']) },
  'DELETE /api/cases/:id/follow': { summary: '案件のフォローをやめる', tag: '調達案件', who: VENDOR, ok: json(['following']) },

  // 意向調査
  'POST /api/surveys': { summary: '意向調査を作る', tag: '意向調査', who: SECRETARIAT, body: surveyInput, ok: created(['survey']) },
  'GET /api/surveys': { summary: '意向調査の一覧', tag: '意向調査', who: SECRETARIAT_MEMBER, ok: json(['surveys']) },
  'GET /api/surveys/:id': { summary: '意向調査', tag: '意向調査', who: SECRETARIAT_MEMBER, ok: json(['survey']) },
  'PATCH /api/surveys/:id': { summary: '意向調査を変更する（件名、締切）', tag: '意向調査', who: SECRETARIAT, body: surveyPatch, ok: json(['survey']) },
  'PUT /api/surveys/:id/responses/:memberId': {
    summary: '団体の回答（順位と参加意向）を保存する',
    tag: '意向調査',
    who: SECRETARIAT_MEMBER,
    description: '団体の利用者は自団体のみ。',
    body: responseInput,
    ok: json(['response']),
  },
  'GET /api/surveys/:id/responses': { summary: '全団体の回答', tag: '意向調査', who: SECRETARIAT, ok: json(['responses']) },
  'GET /api/surveys/:id/responses/:memberId': { summary: '団体の回答', tag: '意向調査', who: SECRETARIAT_MEMBER, description: '団体の利用者は自団体のみ。', ok: json(['response']) },
  'GET /api/surveys/:id/results': {
    summary: '集計結果',
    tag: '意向調査',
    who: SECRETARIAT_MEMBER,
    description: 'results は得点の高い順。n 位の回答は points[n-1] 点、intendingShare は全団体に対する参加意向（join）の割合。',
    ok: json(['members', 'respondents', 'results']),
  },
  'GET /api/surveys/:id/results.csv': { summary: '集計結果の CSV', tag: '意向調査', who: SECRETARIAT, ok: csv() },
  'POST /api/surveys/:id/candidates': { summary: '候補を提案する（二段階の調査の第一段階）', tag: '意向調査', who: SECRETARIAT_MEMBER, body: proposalInput, ok: created(['candidate']) },
  'POST /api/surveys/:id/shortlist': { summary: '候補を絞り込む', tag: '意向調査', who: SECRETARIAT, body: shortlistInput, ok: json(['survey']) },
  'POST /api/surveys/:id/candidates/:code/case': {
    summary: '候補から案件を作る',
    tag: '意向調査',
    who: SECRETARIAT,
    description: '案件の項目は POST /api/cases と同じ規則で検査します。参加意向が基準に届かないときは理由（reason）が必要です。',
    body: candidateCaseInput,
    ok: created(['case', 'participants']),
    errors: ['below_threshold'],
  },
  'POST /api/surveys/:id/confirm': {
    summary: '参加意向を案件の参加団体として確定する',
    tag: '意向調査',
    who: SECRETARIAT,
    description: '本文を省くと、参加（join）と回答したすべての団体を確定します。',
    body: confirmInput,
    bodyOptional: true,
    ok: json(['confirmed', 'alreadyParticipating']),
  },

  // 情報提供依頼
  'PUT /api/cases/:id/rfi': { summary: 'RFI（質問と期限）を設定する', tag: '情報提供依頼', who: SECRETARIAT, body: rfiInput, ok: json(['rfi']) },
  'GET /api/cases/:id/rfi': { summary: '情報提供依頼（RFI）', tag: '情報提供依頼', who: ['secretariat', 'member', 'vendor'], ok: json(['rfi']) },
  'PUT /api/cases/:id/rfi/response': { summary: 'RFI に回答する', tag: '情報提供依頼', who: VENDOR, body: rfiAnswerInput, ok: json(['response']), errors: ['deadline_passed'] },
  'GET /api/cases/:id/rfi/response': { summary: '自社の RFI 回答', tag: '情報提供依頼', who: VENDOR, ok: json(['response']) },
  'POST /api/cases/:id/rfi/response/files': { summary: 'RFI 回答に資料を添付する', tag: '情報提供依頼', who: VENDOR, upload: 'multipart', ok: created(['file']) },
  'GET /api/cases/:id/rfi/responses': { summary: '提出された RFI 回答と価格の統計', tag: '情報提供依頼', who: SECRETARIAT, ok: json(['responses', 'priceStats']) },
  'GET /api/cases/:id/rfi/responses.csv': { summary: 'RFI 回答の比較表 CSV', tag: '情報提供依頼', who: SECRETARIAT, ok: csv() },

  // 質問と回答
  'GET /api/cases/:id/questions': { summary: '質問と回答の一覧', tag: '質問と回答', who: caseRoles, description: '公表前の回答は事務局と質問した者だけに見えます。', ok: json(['questionDeadline', 'questions']) },
  'POST /api/cases/:id/questions': { summary: '質問する', tag: '質問と回答', who: ['member', 'vendor'], body: questionInput, ok: created(['question']), errors: ['deadline_passed'] },
  'POST /api/cases/:id/questions/publish': { summary: '回答を公表する（質問回答書を発行）', tag: '質問と回答', who: SECRETARIAT, ok: json(['published', 'document']) },
  'PUT /api/cases/:id/questions/:questionId': { summary: '質問に回答する', tag: '質問と回答', who: SECRETARIAT, body: questionAnswerInput, ok: json(['question']) },

  // 評価
  'PUT /api/cases/:id/evaluation': { summary: '評価基準と評価委員を設定する', tag: '評価', who: SECRETARIAT, body: evaluationInput, ok: json(['evaluation']), errors: ['evaluation_started'] },
  'GET /api/cases/:id/evaluation': { summary: '評価の設定', tag: '評価', who: ['secretariat', 'evaluator'], description: '評価委員はその案件の委員会の委員のみ。', ok: json(['evaluation']) },
  'POST /api/cases/:id/evaluation/coi': { summary: '利害関係の有無を申告する', tag: '評価', who: EVALUATOR, body: coiInput, ok: json(['declaration']) },
  'GET /api/cases/:id/evaluation/proposals': { summary: '評価する提案の一覧（委員向け）', tag: '評価', who: EVALUATOR, description: '提出期限の後に。匿名化した評価では事業者名の代わりに記号を示します。', ok: json(['proposals']), errors: ['not_yet'] },
  'PUT /api/cases/:id/evaluation/sheets/:ref': { summary: '採点票を一時保存する', tag: '評価', who: EVALUATOR, body: sheetInput, ok: json(['sheet']), errors: ['sheet_locked', 'stale_sheet'] },
  'GET /api/cases/:id/evaluation/sheets/:ref': { summary: '自分の採点票', tag: '評価', who: EVALUATOR, ok: json(['sheet']) },
  'POST /api/cases/:id/evaluation/sheets/:ref/submit': { summary: '採点票を提出する', tag: '評価', who: EVALUATOR, body: submitInput, bodyOptional: true, ok: json(['sheet']), errors: ['incomplete_sheet'] },
  'POST /api/cases/:id/evaluation/sheets/:vendorId/reopen': { summary: '提出された採点票を差し戻す', tag: '評価', who: SECRETARIAT, body: reopenInput, ok: json(['sheet']) },
  'GET /api/cases/:id/evaluation/progress': { summary: '委員ごとの採点の進み具合', tag: '評価', who: SECRETARIAT, ok: json(['evaluators']) },
  'POST /api/cases/:id/evaluation/close': { summary: '評価を締め切る', tag: '評価', who: SECRETARIAT, ok: json(['closed', 'closedAt']), errors: ['sheets_outstanding'] },
  'GET /api/cases/:id/evaluation/results': { summary: '評価結果（順位、技術点、価格点）', tag: '評価', who: SECRETARIAT, ok: json(['ranking', 'preferred', 'runnerUp', 'passLine', 'criterionAverages', 'evaluatorTotals']), errors: ['evaluation_open'] },
  'GET /api/cases/:id/evaluation/results.csv': { summary: '評価結果の CSV', tag: '評価', who: SECRETARIAT, ok: csv(), errors: ['evaluation_open'] },
  'GET /api/cases/:id/proposals': {
    summary: '提出された提案の一覧',
    tag: '提案書',
    who: ['secretariat', 'evaluator'],
    description: '提出期限の後に。評価委員には委員向けの一覧（匿名化した評価では記号）を返します。',
    ok: json(['proposals']),
    errors: ['not_yet'],
  },

  // 入札
  'PUT /api/cases/:id/bidding': { summary: '入札の条件（予定価格、最低制限価格、期限、開札日時）を設定する', tag: '入札', who: SECRETARIAT, description: TIME_ZONE_NOTE, body: biddingInput, ok: json(['bidding']), errors: ['schedule_locked'] },
  'GET /api/cases/:id/bidding': { summary: '入札の条件と回', tag: '入札', who: caseRoles, description: '非公表の予定価格は事務局だけに示します。', ok: json(['bidding']) },
  'POST /api/cases/:id/bids': { summary: '入札する', tag: '入札', who: VENDOR, description: '入札は封かんされ、開札まで誰にも金額は見えません。受付票を返します。', body: bidInput, ok: created(['receipt']), errors: ['not_qualified', 'already_submitted', 'deadline_passed'] },
  'POST /api/cases/:id/bids/decline': { summary: '辞退する', tag: '入札', who: VENDOR, ok: created(['receipt']), errors: ['already_submitted', 'deadline_passed'] },
  'POST /api/cases/:id/bids/paper': { summary: '紙の入札書を記録する', tag: '入札', who: SECRETARIAT, body: paperBidInput, ok: created(['receipt']) },
  'GET /api/cases/:id/bids': { summary: '入札の一覧（開札後は金額も）', tag: '入札', who: caseRoles, ok: json(['rounds']) },
  'GET /api/cases/:id/bids/mine': { summary: '自社の入札', tag: '入札', who: VENDOR, ok: json(['bids']) },
  'POST /api/cases/:id/bids/open': { summary: '開札する', tag: '入札', who: SECRETARIAT, ok: json(openedKeys), errors: ['not_yet'] },
  'POST /api/cases/:id/bids/rounds': { summary: '再度入札の回を始める', tag: '入札', who: SECRETARIAT, description: TIME_ZONE_NOTE, body: roundInput, ok: created(['round']) },
  'POST /api/cases/:id/bids/investigation': { summary: '低入札価格調査の結果を記録する', tag: '入札', who: SECRETARIAT, body: decisionInput, ok: json(openedKeys) },

  // 仕様書と決定
  'PUT /api/cases/:id/spec': { summary: '仕様書を保存する（新しい版）', tag: '仕様書と決定', who: SECRETARIAT, body: specInput, ok: json(['spec']) },
  'GET /api/cases/:id/spec': { summary: '現在の仕様書', tag: '仕様書と決定', who: SECRETARIAT_MEMBER, ok: json(['spec']) },
  'GET /api/cases/:id/spec/versions': { summary: '仕様書の版の一覧', tag: '仕様書と決定', who: SECRETARIAT_MEMBER, ok: json(['versions']) },
  'POST /api/cases/:id/spec/comments': { summary: '仕様書に意見を出す（意見照会）', tag: '仕様書と決定', who: ['member'], body: commentInput, ok: created(['comment']) },
  'PUT /api/cases/:id/spec/comments/:commentId': { summary: '意見に対応を記録する', tag: '仕様書と決定', who: SECRETARIAT, body: answerInput, ok: json(['comment']) },
  'GET /api/cases/:id/spec/comments': { summary: '意見と対応の一覧', tag: '仕様書と決定', who: SECRETARIAT_MEMBER, ok: json(['comments']) },
  'POST /api/cases/:id/award': { summary: '決定（落札者・契約の相手方と金額）を記録する', tag: '仕様書と決定', who: SECRETARIAT, body: awardInput, ok: created(['award']), errors: ['amount_mismatch'] },
  'GET /api/cases/:id/award': { summary: '決定', tag: '仕様書と決定', who: caseRoles, ok: json(['award']) },

  // 文書
  'GET /api/cases/:id/documents': { summary: '発行した文書と、作成できる文書', tag: '文書', who: SECRETARIAT_MEMBER, ok: json(['documents', 'available']) },
  'POST /api/cases/:id/documents/:kind/issue': {
    summary: '文書を発行する（文書番号を付けて記録）',
    tag: '文書',
    who: SECRETARIAT,
    description: '内容が最新の版と同じなら新しい版は作らず 200 でその版を返します。',
    ok: created(['document', 'created']),
    errors: ['not_yet', 'signing_unavailable'],
  },
  'GET /api/cases/:id/documents/:kind/:file{[0-9]+\\.pdf}': {
    summary: '発行した版の PDF（発行したときのバイト列のまま）',
    tag: '文書',
    who: caseRoles,
    description: '仕様書と質問回答書は案件を公表した相手すべてに、そのほかは事務局と団体に。X-Document-Number と X-Document-Sha256 ヘッダーが付きます。',
    params: issuedFile,
    ok: pdf(),
  },
  'GET /api/cases/:id/documents/spec.pdf': { summary: '仕様書の PDF', tag: '文書', who: caseRoles, description: '事業者と評価委員には発行した版のみ。', query: documentQuery, ok: pdf(), errors: ['not_yet'] },
  'GET /api/cases/:id/documents/question-answers.pdf': { summary: '質問回答書の PDF', tag: '文書', who: caseRoles, description: '事務局には次に発行する案も。', query: documentQuery, ok: pdf(), errors: ['not_yet'] },
  'GET /api/cases/:id/documents/award.pdf': { summary: '決定通知書の PDF', tag: '文書', who: SECRETARIAT_MEMBER, query: documentQuery, ok: pdf(), errors: ['not_yet'] },
  'GET /api/cases/:id/documents/bid-tabulation.pdf': { summary: '入札結果調書の PDF', tag: '文書', who: SECRETARIAT_MEMBER, query: documentQuery, ok: pdf(), errors: ['not_yet'] },
  'GET /api/cases/:id/ocds': { summary: '案件の OCDS リリースパッケージ', tag: '文書', who: SECRETARIAT_MEMBER, ok: json(ocdsKeys) },
  'GET /api/cases/:id/documents/evaluation-summary.pdf': {
    summary: '評価結果の PDF',
    tag: '文書',
    who: SECRETARIAT_MEMBER,
    description: 'anonymize=0|1 を付けると、事業者名を示した・伏せた公表用の案を作ります。',
    query: documentQuery,
    ok: pdf(),
    errors: ['not_yet'],
  },
  'GET /api/cases/:id/documents/evaluation-internal.pdf': { summary: '評価結果の内部資料 PDF（委員ごとの点）', tag: '文書', who: SECRETARIAT, query: documentQuery, ok: pdf(), errors: ['not_yet'] },
  'GET /api/cases/:id/documents/comment-responses.pdf': { summary: '意見対応表の PDF', tag: '文書', who: SECRETARIAT_MEMBER, query: documentQuery, ok: pdf(), errors: ['not_yet'] },

  // 公開情報
  'GET /api/public/consortia/:id/audit-head': {
    summary: '協議会の監査記録の先頭（またはその番号の記録）',
    tag: '公開情報',
    who: 'anyone',
    description: '控えておけば、後で記録が書き換えられていないことを確かめられます。',
    query: headQuery,
    ok: json(['seq', 'hash', 'at']),
  },
  'GET /api/public/cases': { summary: '公表した案件の一覧', tag: '公開情報', who: 'anyone', query: publicCasesQuery, ok: json(['cases']) },
  'GET /api/public/cases/:id': { summary: '公表した案件', tag: '公開情報', who: 'anyone', ok: json(['case']) },
  'GET /api/public/cases/:id/ocds': { summary: '公表した案件の OCDS リリースパッケージ', tag: '公開情報', who: 'anyone', ok: json(ocdsKeys) },
  'GET /api/public/cases/:id/documents/:name{[a-z-]+\\.pdf}': {
    summary: '公表した文書の PDF',
    tag: '公開情報',
    who: 'anyone',
    description: '公表後の仕様書と質問回答書、決定後の評価結果と入札結果調書（例: spec.pdf）。',
    ok: pdf(),
  },
  'GET /api/public/export/:fiscalYear/ocds.json': { summary: '年度の OCDS（全協議会の公表案件）', tag: '公開情報', who: 'anyone', params: fiscalYear, ok: json(ocdsKeys) },
  'GET /api/public/export/:fiscalYear/cases.csv': { summary: '年度の公表案件の CSV', tag: '公開情報', who: 'anyone', params: fiscalYear, ok: csv() },

  // 提案書
  'POST /api/cases/:id/proposal/files': { summary: '提案書ファイルを提出する', tag: '提案書', who: VENDOR, upload: 'multipart', ok: created(['file']), errors: ['not_qualified', 'deadline_passed'] },
  'PUT /api/cases/:id/proposal': { summary: '提案価格を保存する', tag: '提案書', who: VENDOR, body: proposalPriceInput, ok: json(['proposal']), errors: ['not_qualified', 'deadline_passed'] },
  'GET /api/cases/:id/proposal': { summary: '自社の提案', tag: '提案書', who: VENDOR, ok: json(['proposal']) },
  'POST /api/cases/:id/proposal/withdraw': { summary: '提案を辞退する', tag: '提案書', who: VENDOR, body: withdrawInput, bodyOptional: true, ok: json(['proposal']) },

  // ファイルと受付票
  'GET /api/files/:id': {
    summary: '受け付けたファイル',
    tag: 'ファイルと受付票',
    who: ['secretariat', 'evaluator', 'vendor'],
    description: '事業者は自社のもの、事務局と評価委員は提出期限の後に。読めない相手には 404 を返します。',
    ok: { kind: 'file' },
  },
  'GET /api/files/:id/receipt': { summary: 'ファイルの受付票', tag: 'ファイルと受付票', who: ['secretariat', 'vendor'], ok: json(['receipt']) },
  'GET /api/files/:id/receipt.pdf': { summary: 'ファイルの受付票の PDF', tag: 'ファイルと受付票', who: ['secretariat', 'vendor'], ok: pdf() },
  'GET /api/receipts': { summary: '自社の受付票の一覧', tag: 'ファイルと受付票', who: VENDOR, ok: json(['receipts']) },

  // 監査記録
  'GET /api/audit': { summary: '監査記録', tag: '監査記録', who: ['secretariat', 'operator'], description: '事務局は協議会の記録を、運営者はプラットフォームの記録を読みます。', query: auditQuery, ok: json(['entries']) },
  'GET /api/audit/verify': { summary: '監査記録の連鎖を検証する', tag: '監査記録', who: ['secretariat', 'operator'], description: '事務局は協議会の記録を、運営者はプラットフォームの記録を検証します。', ok: json(['ok', 'entries', 'head']) },

  // 通知とカレンダー
  'GET /api/notifications': { summary: '自分への通知', tag: '通知とカレンダー', who: 'user', query: unreadQuery, ok: json(['notifications', 'unread']) },
  'POST /api/notifications/read-all': { summary: '通知をすべて既読にする', tag: '通知とカレンダー', who: 'user', ok: json(['read', 'unread']) },
  'POST /api/notifications/:id/read': { summary: '通知を既読にする', tag: '通知とカレンダー', who: 'user', ok: json(['notification', 'unread']) },
  'GET /api/notifications/preferences': { summary: 'メール通知の設定', tag: '通知とカレンダー', who: 'user', ok: json(['preferences']) },
  'PUT /api/notifications/preferences': { summary: 'メール通知の設定を保存する', tag: '通知とカレンダー', who: 'user', body: preferencesInput, ok: json(['preferences']) },
  'POST /api/calendar/token': { summary: 'カレンダー配信の URL を発行する（前の URL は無効に）', tag: '通知とカレンダー', who: 'user', ok: created(['url']) },
  'DELETE /api/calendar/token': { summary: 'カレンダー配信の URL を無効にする', tag: '通知とカレンダー', who: 'user', ok: json(['revoked']) },
  'GET /api/calendar/:file{[A-Za-z0-9_-]+\\.ics}': {
    summary: 'カレンダー配信（iCalendar）',
    tag: '通知とカレンダー',
    who: 'anyone',
    description: 'ログイン不要: URL に含まれるトークンが資格です（カレンダーアプリはログインできないため）。',
    ok: { kind: 'calendar' },
  },

  // API の説明
  'GET /api/openapi.json': { summary: 'この API の説明（OpenAPI 3.1）', tag: 'API の説明', who: 'anyone', ok: { kind: 'openapi' } },
  'GET /api/docs': { summary: 'API の参照ページ（HTML）', tag: 'API の説明', who: 'anyone', ok: { kind: 'html' } },
};
