import { Hono } from 'hono';
import { fiscalYearLabel } from '../../domain/fiscal-year.ts';
import { caseYearsOf, firstOpenYear } from '../../services/years.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requireConsortiumRole } from '../../auth/session.ts';
import { AppError } from '../../errors.ts';
import type { AppEnv, Ctx, SessionUser } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import { fiscalYearOf } from '../../domain/fiscal-year.ts';
import { type CaseRow, listCases } from '../../db/cases.ts';
import { apportionmentMethodLabels, memberKinds } from '../../domain/apportionment.ts';
import { type CaseState, caseStateLabels, nextStates } from '../../domain/lifecycle.ts';
import { isPriceCompetition, selectedPartyLabel } from '../../domain/methods.ts';
import type { ChecklistItem, PublishTarget } from '../../domain/publication.ts';
import { listVendors } from '../../db/tenancy.ts';
import { parseWith } from '../../http/json.ts';
import { apportionmentBody, apportionmentInput, computeApportionment, setApportionment } from '../../services/apportionment.ts';
import { loadCase, visibleTo } from '../../services/case-access.ts';
import { awardInput, findAward, recordAward } from '../../services/award.ts';
import {
  caseInput,
  casePatch,
  caseMethodLabels,
  caseMethods,
  contractModeLabels,
  contractModes,
  createCase,
  optionsInput,
  publicationChecklistOf,
  transitionCase,
  updateCase,
} from '../../services/cases.ts';
import { listParticipation } from '../../services/participation.ts';
import { findRfi } from '../../services/rfi.ts';
import { specPublishedTo } from '../../services/spec.ts';
import { findEvaluation } from '../../services/evaluation.ts';
import { findBidding } from '../../services/bidding.ts';
import { addendaOf } from '../../services/addenda.ts';
import { Addenda } from '../../views/addenda.tsx';
import { FileTable } from '../../views/files.tsx';
import { proposalsForCasePage } from '../../services/proposals.ts';
import {
  ApportionmentForm,
  ApportionmentTable,
  AwardConfirm,
  CaseEditForm,
  CaseSummary,
  NegotiatedFields,
  OptionsForm,
  ParticipationMatrix,
  PublicationChecklist,
  PublishConfirm,
  type PostedApportionment,
  type PostedCaseEdit,
  type PostedOption,
  StateBadge,
} from '../../views/case-views.tsx';
import { dateTime, keptOrTyped, yen } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, type FieldErrors, FieldError, invalid, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldErrors, fieldList, formError, formPost, decimalField, integerField, isFormError, moreBlankRows, readForm, typedNumber } from './form.ts';
import { requirePageUser } from './guard.ts';
import { isFollowing, setFollowing } from '../../services/follows.ts';
import { submissionBarrier } from '../../services/qualification.ts';
import { QualificationNotice } from '../../views/qualification.tsx';
import { documentKinds, documentTitles, documentsAvailable, isDocumentKind, issueAfterEvent, issueDocument, issuedDocumentsOf } from '../../services/issued-documents.ts';
import { IssuedDocuments } from '../../views/issued-documents.tsx';

const messages: Record<string, string> = {
  created: '調達案件を作成しました。',
  edit: '案件情報を保存しました。',
  transition: '案件の状態を変更しました。',
  options: 'オプションの一覧を保存しました。',
  apportionment: '按分方法を保存しました。',
  award: '決定を記録しました。案件は「決定済み」になりました。',
  participation: '参加の申込み内容を保存しました。',
  issued: '文書を発行しました。文書番号と SHA-256 は「発行済みの文書」に記載しています。',
  unchanged: '前回の発行から内容に変更がないため、新しい版は作成していません。',
};

function Flash({ c }: { c: Ctx }) {
  return <SuccessBox message={messages[c.req.query('done') ?? '']} />;
}

function CreateCaseForm({ error, form, fields, fiscalYear }: { error?: string | undefined; form?: Form | undefined; fields?: FieldErrors | undefined; fiscalYear: number }) {
  const v = (name: string, fallback = '') => (form ? field(form, name) : fallback);
  return (
    <section class="card" aria-labelledby="new-case">
      <h2 id="new-case">調達案件の作成</h2>
      <ErrorBox message={error} />
      <form method="post" action="/cases">
        <label for="title">件名</label>
        <input id="title" name="title" type="text" required value={v('title')} {...invalid(fields, 'title', 'title')} />
        <FieldError fields={fields} path="title" id="title" />
        <label for="method">調達方式</label>
        <select id="method" name="method" {...invalid(fields, 'method', 'method')}>
          {caseMethods.map((m) => (
            <option value={m} selected={v('method') === m}>
              {caseMethodLabels[m]}
            </option>
          ))}
        </select>
        <FieldError fields={fields} path="method" id="method" />
        <label for="contractMode">契約形態</label>
        <select id="contractMode" name="contractMode" {...invalid(fields, 'contractMode', 'contractMode')}>
          {contractModes.map((m) => (
            <option value={m} selected={v('contractMode') === m}>
              {contractModeLabels[m]}
            </option>
          ))}
        </select>
        <FieldError fields={fields} path="contractMode" id="contractMode" />
        <label for="fiscalYear">年度（西暦）</label>
        <input id="fiscalYear" name="fiscalYear" type="text" inputmode="numeric" required value={v('fiscalYear', String(fiscalYear))} {...invalid(fields, 'fiscalYear', 'fiscalYear')} />
        <FieldError fields={fields} path="fiscalYear" id="fiscalYear" />
        <label for="description">概要</label>
        <textarea id="description" name="description" rows={3} {...invalid(fields, 'description', 'description')}>
          {v('description')}
        </textarea>
        <FieldError fields={fields} path="description" id="description" />
        <NegotiatedFields idPrefix="new" ground={v('negotiatedGround')} reason={v('negotiatedReason')} fields={fields} note="調達方式が随意契約のときは、根拠と理由の両方が必要です。それ以外の方式では空欄のままにします。" />
        <button class="primary" type="submit">
          作成する
        </button>
      </form>
    </section>
  );
}

async function caseListPage(c: Ctx, user: SessionUser, error?: string, form?: Form, fields?: FieldErrors) {
  if (user.role === 'operator') {
    return renderPage(
      c,
      <Layout title="調達案件" user={user}>
        <h1>調達案件</h1>
        <p class="notice">運営者アカウントでは調達案件の内容は表示されません。<a href="/consortia">協議会の作成と一覧</a>は「管理」から行います。</p>
      </Layout>,
    );
  }
  const rows = (await listCases(dbOf(c), user.consortiumId!)).filter((r) => visibleTo(user, r));
  const barrier = user.role === 'vendor' ? await submissionBarrier(dbOf(c), user.consortiumId!, user.vendorId!) : null;
  return renderPage(
    c,
    <Layout title="調達案件" user={user}>
      <h1>調達案件</h1>
      <Flash c={c} />
      <QualificationNotice standing={barrier} />
      {rows.length === 0 ? (
        <p class="muted">まだ調達案件はありません。</p>
      ) : (
        <div class="table-wrap">
          <table class="stack-narrow">
            <caption>調達案件の一覧（{rows.length}件）</caption>
            <thead>
              <tr>
                <th scope="col">件名</th>
                <th scope="col">年度</th>
                <th scope="col">調達方式</th>
                <th scope="col">契約形態</th>
                <th scope="col">状態</th>
                <th scope="col">提出期限</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/cases/${r.id}`}>{r.title}</a>
                  </th>
                  <td data-label="年度">{r.fiscalYear}</td>
                  <td data-label="調達方式">{caseMethodLabels[r.method]}</td>
                  <td data-label="契約形態">{r.contractMode === 'bulk' ? '一括契約' : '個別契約'}</td>
                  <td data-label="状態">
                    <StateBadge state={r.state} />
                  </td>
                  <td data-label="提出期限">{dateTime(r.submissionDeadline)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {user.role === 'secretariat' ? <CreateCaseForm error={error} form={form} fields={fields} fiscalYear={fiscalYearOf(nowOf(c))} /> : null}
    </Layout>,
    error ? 400 : 200,
  );
}

function ProposalList({ proposals }: { proposals: NonNullable<Awaited<ReturnType<typeof proposalsForCasePage>>> }) {
  if (proposals.length === 0) return <p class="muted">提案はありませんでした。</p>;
  return (
    <>
      {proposals.map((p) => (
        <div class="card">
          <h3>
            {p.vendorName}
            {p.withdrawn ? '（辞退）' : ''}
          </h3>
          {p.withdrawn ? (
            <p class="notice">
              <strong>辞退</strong>
              {p.withdrawnAt ? `（${dateTime(p.withdrawnAt)}）` : ''}: この提案は評価の対象外です。{p.withdrawalReason ? `理由: ${p.withdrawalReason}` : ''}
            </p>
          ) : null}
          <p>提案価格: {p.price === null ? '未登録' : `${yen(p.price)}（税抜）`}</p>
          <FileTable files={p.files} caption={`${p.vendorName} の提出ファイル`} />
        </div>
      ))}
    </>
  );
}

const publishesAs = (to: CaseState): PublishTarget | null => (to === 'rfi' || to === 'open' ? to : null);

/** The label of the button that moves the case to `to`. */
const moveLabel = (to: CaseState) => (to === 'cancelled' ? '案件を中止する' : to === 'open' ? '公告する（受付を開始する）' : to === 'rfi' ? '情報提供依頼（RFI）として公表する' : `「${caseStateLabels[to]}」へ進める`);

/**
 * The moves the case may make. A publication (RFI or notice) shows its checklist first and asks for
 * the tick 「公表します（取り消せません）」; the other moves ask on a confirmation page.
 */
function TransitionForms({ row, checklists }: { row: CaseRow; checklists: Partial<Record<PublishTarget, ChecklistItem[]>> }) {
  const moves = nextStates(row.state);
  if (moves.length === 0) return <p class="muted">この案件の状態はこれ以上変更できません。</p>;
  const publications = moves.filter((to) => publishesAs(to) !== null);
  const others = moves.filter((to) => publishesAs(to) === null);
  return (
    <>
      {publications.map((to) => (
        <form method="post" action={`/cases/${row.id}/transition`} class="card publish-form">
          <input type="hidden" name="to" value={to} />
          <PublicationChecklist items={checklists[to as PublishTarget] ?? []} to={to as PublishTarget} id={`checklist-${to}`} />
          <PublishConfirm />
          <button class="primary" type="submit">
            {moveLabel(to)}
          </button>
        </form>
      ))}
      <div class="actions">
        {others.map((to) => (
          <form method="post" action={`/cases/${row.id}/transition`}>
            <input type="hidden" name="to" value={to} />
            <button class={to === 'cancelled' ? 'secondary' : 'primary'} type="submit">
              {moveLabel(to)}
            </button>
          </form>
        ))}
      </div>
    </>
  );
}

/** What the person had typed into a form on the case page, shown again when the post is refused. */
interface Posted {
  edit?: PostedCaseEdit;
  options?: PostedOption[];
  optionsReason?: string;
  /** blank option rows to show (more after 「行を追加」) */
  optionBlanks?: number;
  apportionment?: PostedApportionment;
}

async function caseDetailPage(c: Ctx, caseId: string, problems: { section?: string; error?: string; status?: ContentfulStatusCode; fields?: FieldErrors } = {}, posted: Posted = {}) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member', 'evaluator', 'vendor');
  const canSeeMembers = user.role === 'secretariat' || user.role === 'member';
  const matrix = canSeeMembers ? await listParticipation(dbOf(c), user.consortiumId, row.id) : [];
  const whatIf = {
    with: (c.req.query('with') ?? '').split(',').filter(Boolean),
    without: (c.req.query('without') ?? '').split(',').filter(Boolean),
  };
  let apportionment: Awaited<ReturnType<typeof computeApportionment>> | null = null;
  let apportionmentError: string | undefined;
  if (canSeeMembers) {
    try {
      apportionment = await computeApportionment(dbOf(c), row, whatIf);
      if (!apportionment.result.ok) {
        const r = apportionment.result;
        apportionmentError = `${r.reason}${r.members?.length ? `（${r.members.join('、')}）` : ''}`;
      }
    } catch (err) {
      apportionmentError = formError(err);
    }
  }
  const shares = apportionment?.result.ok ? apportionmentBody(apportionment) : null;
  const ownMember = user.role === 'member' ? matrix.find((m) => m.member.id === user.memberId) : undefined;
  const status = problems.error ? (problems.status ?? 400) : 200;
  const rfi = await findRfi(dbOf(c), row.id);
  const evaluation = user.role === 'evaluator' ? await findEvaluation(dbOf(c), row.id) : null;
  const committee = evaluation?.committee.some((e) => e.userId === user.id) ?? false;
  // 入札 and 見積合わせ take sealed prices; a proposal and 総合評価 take proposals; a 随意契約 neither
  const pricedByBids = isPriceCompetition(row.method);
  const bidWord = row.method === 'quotation' ? '見積' : '入札';
  const takesProposals = row.method === 'proposal' || row.method === 'comprehensive';
  const bidding = user.role === 'vendor' && pricedByBids ? await findBidding(dbOf(c), row.id) : null;
  const following = user.role === 'vendor' ? await isFollowing(dbOf(c), row.id, user.vendorId!) : false;
  const documents = user.role === 'secretariat' || user.role === 'member' ? await documentsAvailable(dbOf(c), row) : null;
  const issued = documents ? await issuedDocumentsOf(dbOf(c), row.id) : [];
  // what the secretariat may issue (again): the documents whose data exists
  const issuable = user.role === 'secretariat' && documents ? documentKinds.filter((k) => documents[k]).map((kind) => ({ kind, title: documentTitles[kind] })) : [];
  const proposals = user.role === 'secretariat' && takesProposals ? await proposalsForCasePage(c, row.id) : null;
  const award = row.state === 'awarded' ? await findAward(dbOf(c), row.id) : undefined;
  // a 随意契約 names its counterpart directly: the secretariat picks it among the approved vendors
  const offersNegotiatedAward = user.role === 'secretariat' && row.method === 'negotiated' && row.state !== 'awarded' && row.state !== 'cancelled';
  const negotiationVendors = offersNegotiatedAward ? await listVendors(dbOf(c), row.consortiumId, 'approved') : [];
  // 変更・追加 include every schedule change made after publication, so the case page lists them alone
  const addenda = await addendaOf(dbOf(c), row.id);
  // what publishing still needs, for each publication the secretariat may make next
  const checklists: Partial<Record<PublishTarget, ChecklistItem[]>> = {};
  if (user.role === 'secretariat') {
    for (const to of nextStates(row.state)) {
      const target = publishesAs(to);
      if (target) checklists[target] = await publicationChecklistOf(dbOf(c), row, target, nowOf(c));
    }
  }
  const round1 = pricedByBids ? ((await findBidding(dbOf(c), row.id))?.rounds.find((r) => r.round === 1) ?? null) : null;

  return renderPage(
    c,
    <Layout title={row.title} user={user}>
      <p>
        <a href="/cases">調達案件の一覧</a>
      </p>
      <h1>{row.title}</h1>
      <Flash c={c} />
      <section class="card" aria-label="案件の概要">
        <CaseSummary row={row} bid={round1} />
        {award ? (
          <p>
            {selectedPartyLabel(row.method)}: <strong>{award.vendorName}</strong>
            {award.award.amount !== null ? `（${yen(award.award.amount)}・税抜）` : ''} ／ 決定日 {dateTime(award.award.decidedAt)}
            {row.method === 'proposal' ? '。契約は、協議が整ったときに随意契約により締結します。' : ''}
          </p>
        ) : null}
      </section>
      <Addenda addenda={addenda} published={row.publishedAt !== null} />

      {user.role === 'secretariat' ? (
        <section aria-labelledby="state-heading">
          <h2 id="state-heading">状態の変更</h2>
          {problems.section === 'transition' ? <ErrorBox message={problems.error} /> : null}
          <TransitionForms row={row} checklists={checklists} />
          {row.state !== 'cancelled' && row.state !== 'awarded' ? (
            <>
              {problems.section === 'edit' ? <ErrorBox message={problems.error} /> : null}
              <CaseEditForm row={row} posted={posted.edit} fields={problems.section === 'edit' ? problems.fields : undefined} />
            </>
          ) : null}
        </section>
      ) : null}

      {user.role === 'vendor' ? (
        <section aria-labelledby="follow-heading">
          <h2 id="follow-heading">この案件のお知らせ</h2>
          {problems.section === 'follow' && problems.error ? <ErrorBox message={problems.error} /> : null}
          {following ? (
            <p>フォロー中です。変更・追加、質問への回答の公表、期限の事前通知（3日前・前日）、開札結果・決定をお知らせします（<a href="/notifications">通知とメールの設定</a>）。</p>
          ) : (
            <p>フォローすると、変更・追加、質問への回答の公表、期限の事前通知、開札結果・決定をメールとこの画面の通知でお知らせします。RFIへの回答・質問・提案・入札をすると自動でフォローします。</p>
          )}
          <form method="post" action={`/cases/${row.id}/follow`}>
            {following ? null : <input type="hidden" name="following" value="on" />}
            <button type="submit">{following ? 'フォローをやめる' : 'この案件をフォローする'}</button>
          </form>
        </section>
      ) : null}

      {user.role === 'vendor' ? (
        <section aria-labelledby="vendor-heading">
          <h2 id="vendor-heading">事業者の手続き</h2>
          <ul>
            {rfi ? (
              <li>
                <a href={`/cases/${row.id}/rfi`}>情報提供依頼（RFI）に回答する</a>（回答期限は上の「RFI回答期限」）
              </li>
            ) : null}
            {specPublishedTo(row) ? (
              <li>
                <a href={`/cases/${row.id}/spec`}>仕様書を見る</a>（<a href={`/api/cases/${row.id}/documents/spec.pdf`}>PDF</a>）
              </li>
            ) : null}
            {takesProposals && row.state === 'open' ? (
              <li>
                <a href={`/cases/${row.id}/submit`}>提案書を提出する・受付票を見る</a>（提出期限 {dateTime(row.submissionDeadline)}）
              </li>
            ) : null}
            {bidding ? (
              <li>
                <a href={`/cases/${row.id}/bid`}>{bidWord}する・受付票と開札結果を見る</a>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="questions-heading">
        <h2 id="questions-heading">質問と回答</h2>
        <p>
          <a href={`/cases/${row.id}/questions`}>
            {user.role === 'secretariat' ? '届いた質問への回答・回答の公表' : user.role === 'evaluator' ? '公表された質問と回答を見る' : '質問を提出する・公表された回答を見る'}
          </a>
        </p>
      </section>

      {user.role === 'evaluator' && committee ? (
        <section aria-labelledby="evaluate-heading">
          <h2 id="evaluate-heading">評価委員の手続き</h2>
          <p>
            <a href={`/cases/${row.id}/evaluate`}>提案を評価する（利害関係の申告・採点）</a>
          </p>
        </section>
      ) : null}

      {user.role === 'secretariat' && pricedByBids ? (
        <section aria-labelledby="bidding-heading">
          <h2 id="bidding-heading">{row.method === 'quotation' ? '見積合わせ' : '入札'}</h2>
          <p>
            <a href={`/cases/${row.id}/bidding`}>{bidWord}の設定・受付状況・開札・結果</a>
          </p>
        </section>
      ) : null}

      {user.role === 'secretariat' && takesProposals ? (
        <section aria-labelledby="evaluation-heading">
          <h2 id="evaluation-heading">提案の評価</h2>
          <p>
            <a href={`/cases/${row.id}/evaluation`}>評価基準・評価委員の設定、進み具合、評価結果</a>
          </p>
        </section>
      ) : null}

      {user.role === 'secretariat' ? (
        <section aria-labelledby="vendor-side-heading">
          <h2 id="vendor-side-heading">事業者からの回答・提案</h2>
          <ul>
            <li>
              <a href={`/cases/${row.id}/rfi`}>{rfi ? '情報提供依頼（RFI）の設定と回答の比較' : '情報提供依頼（RFI）を作成する'}</a>
            </li>
          </ul>
          {proposals === null ? (
            takesProposals ? <p class="muted">提案書は提出期限（{dateTime(row.submissionDeadline)}）の後に閲覧できます。</p> : null
          ) : (
            <ProposalList proposals={proposals} />
          )}
        </section>
      ) : null}

      {user.role === 'secretariat' || user.role === 'member' ? (
        <section aria-labelledby="documents-heading">
          <h2 id="documents-heading">仕様書と文書</h2>
          <ul>
            <li>
              <a href={`/cases/${row.id}/spec`}>{user.role === 'secretariat' ? '仕様書の編集・意見照会への回答' : '仕様書案の閲覧・意見の提出'}</a>
            </li>
            <li>
              <a href={`/api/cases/${row.id}/documents/spec.pdf`}>仕様書（PDF）</a>
            </li>
            {documents?.['comment-responses'] ? (
              <li>
                <a href={`/api/cases/${row.id}/documents/comment-responses.pdf`}>意見対応表（PDF）</a>
              </li>
            ) : null}
            {documents?.['evaluation-summary'] ? (
              <li>
                <a href={`/api/cases/${row.id}/documents/evaluation-summary.pdf`}>評価結果（公表用、PDF）</a>
              </li>
            ) : null}
            {documents?.['bid-tabulation'] ? (
              <li>
                <a href={`/api/cases/${row.id}/documents/bid-tabulation.pdf`}>入札経過調書（PDF）</a>
              </li>
            ) : null}
            {documents?.award ? (
              <li>
                <a href={`/api/cases/${row.id}/documents/award.pdf`}>決定通知（PDF）</a>
              </li>
            ) : null}
          </ul>
          {problems.section === 'documents' ? <ErrorBox message={problems.error} /> : null}
          <IssuedDocuments caseId={row.id} documents={issued} titles={documentTitles} issuable={issuable} />
          {problems.section === 'award' ? <ErrorBox message={problems.error} /> : null}
          {user.role === 'secretariat' && !documents?.award && (documents?.['evaluation-summary'] || documents?.['bid-tabulation']) && row.state !== 'cancelled' ? (
            <form method="post" action={`/cases/${row.id}/award`} class="card">
              <h3>決定の記録</h3>
              <p>
                {row.method === 'proposal'
                  ? `評価の結果の${selectedPartyLabel(row.method)}を、この案件の決定として記録します。契約は、協議が整ったときに随意契約により締結します。`
                  : `開札の結果の${selectedPartyLabel(row.method)}を、この案件の決定として記録します。`}
                案件は「決定済み」になります。
              </p>
              <AwardConfirm />
            </form>
          ) : null}
          {offersNegotiatedAward ? (
            <form method="post" action={`/cases/${row.id}/award`} class="card">
              <h3>随意契約の相手方の決定</h3>
              <p>随意契約の相手方と契約金額（税抜）を記録します。公告は行わず、案件は「決定済み」になり、根拠と理由とともに公表されます。</p>
              {negotiationVendors.length === 0 ? (
                <p class="notice">入札参加資格が承認された事業者がありません。先に事業者を登録・承認してください。</p>
              ) : (
                <>
                  <label for="award-vendor">{selectedPartyLabel(row.method)}</label>
                  <select id="award-vendor" name="vendorId" required>
                    {negotiationVendors.map((v) => (
                      <option value={v.id}>{v.name}</option>
                    ))}
                  </select>
                  <label for="award-amount">契約金額（円・税抜）</label>
                  <input id="award-amount" name="amount" type="text" inputmode="numeric" autocomplete="off" aria-describedby="award-amount-help" />
                  <p id="award-amount-help" class="muted">区分別定額・数量連動の価格を設定している場合は空欄にすると、その価格から計算した金額を記録します。</p>
                  <AwardConfirm />
                </>
              )}
            </form>
          ) : null}
        </section>
      ) : null}

      {user.role === 'member' && ownMember ? (
        <section aria-labelledby="own-heading">
          <h2 id="own-heading">自団体の参加</h2>
          <p>
            {ownMember.participant?.participating ? '参加を申し込んでいます。' : 'まだ参加を申し込んでいません。'}{' '}
            <a href={`/cases/${row.id}/participation`}>参加・オプションを申し込む／変更する</a>
          </p>
        </section>
      ) : null}

      {canSeeMembers ? (
        <section aria-labelledby="matrix-heading">
          <h2 id="matrix-heading">参加団体とオプション</h2>
          <ParticipationMatrix options={row.options} rows={matrix} fiscalYear={row.fiscalYear} shares={shares ? new Map(shares.shares.map((s) => [s.memberId, s])) : undefined} />
          <p class="actions">
            <a href={`/api/cases/${row.id}/apportionment.csv`} download>
              参加団体と負担額をCSVでダウンロード（Excel用）
            </a>
            {user.role === 'secretariat' ? <a href={`/cases/${row.id}/participation/bulk`}>参加団体を一覧で入力する（一括入力）</a> : null}
            {user.role === 'secretariat' ? <a href={`/cases/${row.id}/participation`}>団体に代わって参加を登録する</a> : null}
            <a href={`/cases/${row.id}/years`}>年度別の負担額と契約</a>
          </p>
        </section>
      ) : null}

      {canSeeMembers ? (
        <section aria-labelledby="share-heading">
          <h2 id="share-heading">費用按分</h2>
          <p>
            按分方法: {row.apportionment ? apportionmentMethodLabels[row.apportionment.method] : '未設定'}
          </p>
          {apportionment?.preview ? (
            <p class="notice" role="status">
              試算表示です（保存されていません）。<a href={`/cases/${row.id}`}>現在の参加状況に戻す</a>
            </p>
          ) : null}
          {apportionmentError ? <ErrorBox message={apportionmentError} standing /> : null}
          {shares && row.apportionment && row.apportionment.method !== 'none' ? (
            <ApportionmentTable
              caption={`${fiscalYearLabel(row.fiscalYear)}の負担額${apportionment?.preview ? '（試算）' : shares.closed ? '（確定済み）' : ''}`}
              shares={shares.shares}
              total={shares.total}
              optionTotal={shares.optionTotal}
              sum={shares.sum}
              sumWithTax={shares.sumWithTax}
            />
          ) : null}
          <form method="get" action={`/cases/${row.id}`} class="card">
            <h3>参加・脱退の試算</h3>
            <div class="grid4">
              <div>
                <label for="with">参加した場合</label>
                <select id="with" name="with">
                  <option value="">（選択しない）</option>
                  {matrix
                    .filter((m) => !m.participant?.participating)
                    .map((m) => (
                      <option value={m.member.id} selected={whatIf.with.includes(m.member.id)}>
                        {m.member.name}
                      </option>
                    ))}
                </select>
              </div>
              <div>
                <label for="without">脱退した場合</label>
                <select id="without" name="without">
                  <option value="">（選択しない）</option>
                  {matrix
                    .filter((m) => m.participant?.participating)
                    .map((m) => (
                      <option value={m.member.id} selected={whatIf.without.includes(m.member.id)}>
                        {m.member.name}
                      </option>
                    ))}
                </select>
              </div>
            </div>
            <button class="secondary" type="submit">
              試算する
            </button>
          </form>
          {user.role === 'secretariat' && row.state !== 'cancelled' ? (
            <>
              {problems.section === 'apportionment' ? <ErrorBox message={problems.error} /> : null}
              <ApportionmentForm row={row} posted={posted.apportionment} firstOpenYear={firstOpenYear(row, await caseYearsOf(dbOf(c), row.id))} />
            </>
          ) : null}
        </section>
      ) : null}

      {user.role === 'secretariat' && ['draft', 'rfi', 'spec_review'].includes(row.state) ? (
        <section aria-labelledby="options-heading">
          <h2 id="options-heading">オプション</h2>
          {problems.section === 'options' ? <ErrorBox message={problems.error} /> : null}
          <OptionsForm row={row} posted={posted.options} reason={posted.optionsReason} fields={problems.section === 'options' ? problems.fields : undefined} {...(posted.optionBlanks ? { blanks: posted.optionBlanks } : {})} />
        </section>
      ) : null}
    </Layout>,
    status,
  );
}

function ConfirmTransition({ row, to, user, checklist, error }: { row: CaseRow; to: CaseState; user: SessionUser; checklist: ChecklistItem[] | null; error?: string }) {
  const target = publishesAs(to);
  return (
    <Layout title="状態の変更の確認" user={user}>
      <div class="card narrow">
        <h1>{target ? '公表の確認' : '状態の変更の確認'}</h1>
        <ErrorBox message={error} />
        <p>
          「{row.title}」を「{caseStateLabels[row.state]}」から「{caseStateLabels[to]}」へ変更します。
        </p>
        <p class="notice">この操作は取り消せません。変更は監査記録に残ります。</p>
        {target && checklist ? <PublicationChecklist items={checklist} to={target} id="confirm-checklist" /> : null}
        <form method="post" action={`/cases/${row.id}/transition`}>
          <input type="hidden" name="to" value={to} />
          {target ? <PublishConfirm /> : <input type="hidden" name="confirmed" value="1" />}
          <div class="actions">
            <button class="primary" type="submit">
              {to === 'cancelled' ? '中止する' : target ? moveLabel(to) : '変更する'}
            </button>
            <a href={`/cases/${row.id}`}>取りやめる</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

/** The option rows as typed; a row without a name is dropped (that is how a row is deleted). */
function optionRowsFromForm(form: Form): PostedOption[] {
  const list = (name: string) => fieldList(form, name);
  const codes = list('code');
  const kinds = list('kind');
  const prices = list('price');
  return list('name').flatMap((name, i) => (name === '' ? [] : [{ code: codes[i] ?? '', name, kind: kinds[i] || 'quantity', price: prices[i] ?? '' }]));
}

/** The typed option rows with their prices read as whole yen (full-width digits, commas and 円 accepted; a mistyped price is refused naming its row). */
function optionsFromRows(rows: PostedOption[]) {
  const problems: { path: string; message: string }[] = [];
  const options = rows.map(({ code, name, kind, price }, i) => {
    // the pages' one number reader; a negative price reaches the schema, which refuses it by name
    const amount = typedNumber(price);
    if (Number.isNaN(amount)) problems.push({ path: `options.${i}.price`, message: `「${name}」の単価は円単位の整数で入力してください（例: 120,000）` });
    return { ...(code === '' ? {} : { code }), name, kind, price: amount === undefined || Number.isNaN(amount) ? null : amount };
  });
  if (problems.length > 0) throw new AppError('validation_error', problems.map((p) => p.message).join('／'), problems);
  return options;
}

/** The apportionment fields as typed, to show again if the post is refused. */
function typedApportionment(form: Form): PostedApportionment {
  return {
    method: field(form, 'method'),
    total: field(form, 'total'),
    tierPrices: Object.fromEntries(memberKinds.map((kind) => [kind, field(form, `tier_${kind}`)])),
    ratios: { equal: field(form, 'ratio_equal'), population: field(form, 'ratio_population'), births: field(form, 'ratio_births') },
    volumeBasis: field(form, 'volume_basis'),
    unitPrice: field(form, 'unit_price'),
    tiers: fieldList(form, 'tier_up_to').map((upTo, i) => ({ upTo, amount: fieldList(form, 'tier_amount')[i] ?? '' })),
    fiscalYear: field(form, 'fiscal_year'),
  };
}

/** The named fields that were filled in (a blank one is left out, as if the form had not offered it). */
function filledIn(form: Form, ...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, field(form, name)]).filter(([, value]) => value!.trim() !== ''));
}

/** A number typed in a repeated field, as integerField reads one: full-width digits, commas and 円 accepted. */
const typedInteger = (value: string): number | undefined => typedNumber(value);

function apportionmentFromForm(form: Form) {
  const method = field(form, 'method');
  const total = integerField(form, 'total');
  const fiscalYear = integerField(form, 'fiscal_year');
  const year = fiscalYear === undefined ? {} : { fiscalYear };
  if (method === 'tier') {
    const tierPrices: Record<string, number> = {};
    for (const kind of memberKinds) {
      const value = integerField(form, `tier_${kind}`);
      if (value !== undefined) tierPrices[kind] = value;
    }
    return { method, tierPrices, ...year };
  }
  if (method === 'none') return { method, ...year };
  const basis = field(form, 'volume_basis');
  const unitPrice = integerField(form, 'unit_price');
  const amounts = fieldList(form, 'tier_amount');
  // a row counts when its amount is filled in; a blank upper bound is the unbounded last tier
  const tiers = fieldList(form, 'tier_up_to')
    .map((upTo, i) => ({ upTo: upTo === '' ? null : typedInteger(upTo), amount: typedInteger(amounts[i] ?? '') }))
    .filter((t) => t.amount !== undefined);
  const volume = basis ? { volumePricing: { basis, ...(unitPrice !== undefined ? { unitPrice } : { tiers }) } } : {};
  const totalField = total === undefined && basis ? {} : { total };
  if (method === 'mixed') {
    const ratio = (k: string) => decimalField(form, `ratio_${k}`) ?? 0;
    return { method, ...totalField, ratios: { equal: ratio('equal'), population: ratio('population'), births: ratio('births') }, ...volume, ...year };
  }
  return { method, ...totalField, ...volume, ...year };
}

export const casePages = new Hono<AppEnv>()
  .get('/cases', async (c) => caseListPage(c, requirePageUser(c)))
  .post('/cases', async (c) => {
    const user = requireConsortiumRole(c, 'secretariat');
    const form = await readForm(c);
    try {
      const input = parseWith(caseInput, {
        title: field(form, 'title'),
        method: field(form, 'method'),
        contractMode: field(form, 'contractMode'),
        fiscalYear: integerField(form, 'fiscalYear'),
        description: field(form, 'description'),
        // the ground and reason are offered with every method: left blank they are simply not given
        ...filledIn(form, 'negotiatedGround', 'negotiatedReason'),
      });
      const row = await createCase(c, input);
      return c.redirect(`/cases/${row.id}?done=created`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return caseListPage(c, user, formError(err), form, fieldErrors(err));
    }
  })
  .get('/cases/:id', (c) => caseDetailPage(c, c.req.param('id')))
  .post('/cases/:id/award', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    if (field(form, 'confirm') !== 'on') return caseDetailPage(c, row.id, { section: 'award', error: '決定を記録すると取り消せないことを確認し、チェックを入れてください。' });
    try {
      const amount = integerField(form, 'amount');
      await recordAward(c, row, parseWith(awardInput, { ...filledIn(form, 'vendorId'), ...(amount === undefined ? {} : { amount }) }));
      await issueAfterEvent(c, row, 'award');
      return c.redirect(`/cases/${row.id}?done=award#documents-heading`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return caseDetailPage(c, row.id, { section: 'award', error: formError(err) });
    }
  })
  // フォロー: a vendor chooses to be told of the case's changes, answers, deadlines and result
  .post('/cases/:id/follow', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    return formPost(
      c,
      async (form) => {
        await setFollowing(c, row, user.vendorId!, field(form, 'following') === 'on');
        return `/cases/${row.id}#follow-heading`;
      },
      (error) => caseDetailPage(c, row.id, { section: 'follow', error }),
    );
  })
  // 文書の発行: numbered and frozen; an unchanged document keeps its latest version
  .post('/cases/:id/documents/issue', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    return formPost(
      c,
      async (form) => {
        const kind = field(form, 'kind');
        if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', '文書番号を付けて発行することを確認し、チェックを入れてください。');
        if (!isDocumentKind(kind)) throw new AppError('validation_error', '発行する文書を選んでください。');
        const { document, created } = await issueDocument(c, row, kind);
        return `/cases/${row.id}?done=${created ? 'issued' : 'unchanged'}&version=${document.version}#issued-heading`;
      },
      (error) => caseDetailPage(c, row.id, { section: 'documents', error }),
    );
  })
  .post('/cases/:id/transition', async (c) => {
    const user = requirePageUser(c);
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    const to = field(form, 'to') as CaseState;
    if (!nextStates(row.state).includes(to) && field(form, 'confirmed') !== '1') {
      return caseDetailPage(c, row.id, { section: 'transition', error: 'この状態には移行できません。' });
    }
    if (field(form, 'confirmed') !== '1') {
      // not confirmed (the tick box left empty, or a form without it): the confirmation page, with the checklist
      const target = publishesAs(to);
      const checklist = target ? await publicationChecklistOf(dbOf(c), row, target, nowOf(c)) : null;
      return renderPage(c, <ConfirmTransition row={row} to={to} user={user} checklist={checklist} />);
    }
    try {
      await transitionCase(c, row.id, to);
      await issueAfterEvent(c, row, 'transition');
      return c.redirect(`/cases/${row.id}?done=transition`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return caseDetailPage(c, row.id, { section: 'transition', error: formError(err), status: err.status });
    }
  })
  .post('/cases/:id/edit', async (c) => {
    const caseId = c.req.param('id');
    const { row } = await loadCase(c, caseId, 'secretariat');
    const form = await readForm(c);
    const typed: PostedCaseEdit = {
      title: field(form, 'title'),
      description: field(form, 'description'),
      rfiDeadline: field(form, 'rfiDeadline'),
      submissionDeadline: field(form, 'submissionDeadline'),
      questionDeadline: field(form, 'questionDeadline'),
      reason: field(form, 'reason'),
      ...(row.method === 'negotiated' ? { negotiatedGround: field(form, 'negotiatedGround'), negotiatedReason: field(form, 'negotiatedReason') } : {}),
    };
    try {
      const input = parseWith(casePatch, {
        title: typed.title,
        description: typed.description,
        rfiDeadline: keptOrTyped(typed.rfiDeadline, row.rfiDeadline),
        // a case chosen by sealed prices has no proposal deadline on the form: its times are the bidding's
        ...(isPriceCompetition(row.method) ? {} : { submissionDeadline: keptOrTyped(typed.submissionDeadline, row.submissionDeadline) }),
        questionDeadline: keptOrTyped(typed.questionDeadline ?? '', row.questionDeadline),
        ...(typed.reason!.trim() === '' ? {} : { reason: typed.reason }),
        // a 随意契約's ground and reason as typed: left blank they are refused, not kept silently
        ...(row.method === 'negotiated' ? { negotiatedGround: typed.negotiatedGround, negotiatedReason: typed.negotiatedReason } : {}),
      });
      const updated = await updateCase(c, caseId, input);
      await issueAfterEvent(c, updated, 'specChange');
      return c.redirect(`/cases/${caseId}?done=edit`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return caseDetailPage(c, caseId, { section: 'edit', error: formError(err), status: err.status, fields: fieldErrors(err) }, { edit: typed });
    }
  })
  .post('/cases/:id/options', async (c) => {
    const caseId = c.req.param('id');
    await loadCase(c, caseId, 'secretariat');
    const form = await readForm(c);
    const typed = optionRowsFromForm(form);
    const reason = field(form, 'reason');
    // 「行を追加」 without a script: the rows typed so far come back with three more blank rows, nothing saved
    if (field(form, 'addRows') !== '') {
      return caseDetailPage(c, caseId, {}, { options: typed, optionsReason: reason, optionBlanks: moreBlankRows(form) });
    }
    try {
      const options = parseWith(optionsInput, optionsFromRows(typed));
      const updated = await updateCase(c, caseId, parseWith(casePatch, { options, ...(reason.trim() === '' ? {} : { reason }) }));
      await issueAfterEvent(c, updated, 'specChange');
      // the form posts to #options-heading so that a refusal shows its error in view; a success shows the page top
      return c.redirect(`/cases/${caseId}?done=options#main`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      // the options list alone reports its rows as '0.price'; inside the case they are 'options.0.price'
      const fields = Object.fromEntries(Object.entries(fieldErrors(err)).map(([path, message]) => [/^\d/.test(path) ? `options.${path}` : path, message]));
      return caseDetailPage(c, caseId, { section: 'options', error: formError(err), fields }, { options: typed, optionsReason: reason });
    }
  })
  .post('/cases/:id/apportionment', async (c) => {
    const caseId = c.req.param('id');
    await loadCase(c, caseId, 'secretariat');
    const form = await readForm(c);
    try {
      await setApportionment(c, caseId, parseWith(apportionmentInput, apportionmentFromForm(form)));
      return c.redirect(`/cases/${caseId}?done=apportionment#share-heading`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return caseDetailPage(c, caseId, { section: 'apportionment', error: formError(err) }, { apportionment: { ...typedApportionment(form), fields: fieldErrors(err) } });
    }
  });
