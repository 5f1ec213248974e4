import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import { findCase, listCases } from '../../db/cases.ts';
import { fiscalYearLabel, fiscalYearOf } from '../../domain/fiscal-year.ts';
import { negotiatedGroundCitation, negotiatedGroundCodes, negotiatedGrounds } from '../../domain/methods.ts';
import { type Intent, intentLabels, intents } from '../../domain/survey.ts';
import { parseWith } from '../../http/json.ts';
import { caseMethodLabels, caseMethods, contractModeLabels, contractModes } from '../../services/cases.ts';
import {
  answerSurvey,
  candidateCaseInput,
  caseFromCandidate,
  confirmInput,
  confirmParticipants,
  createSurvey,
  listSurveys,
  loadSurvey,
  participatingMemberIds,
  proposalInput,
  proposeCandidate,
  responseInput,
  resultsOf,
  shortlistCandidates,
  shortlistInput,
  surveyInput,
  surveyResponsesOf,
  surveyStageLabels,
  surveyStages,
  surveyView,
} from '../../services/surveys.ts';
import { dateTime, fromLocalInput } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, FieldError, type FieldErrors, SuccessBox, invalid } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldErrors, fieldList, formError, formPost, decimalField, integerField, isFormError, readForm, typedNumber } from './form.ts';

async function surveyListPage(c: Ctx, error?: string, form?: Form, fields?: FieldErrors) {
  const user = requireConsortiumRole(c, 'secretariat', 'member');
  const rows = await listSurveys(c);
  const runningCases = user.role === 'secretariat' ? (await listCases(dbOf(c), user.consortiumId)).filter((r) => r.state !== 'cancelled') : [];
  const v = (name: string, fallback = '') => (form ? field(form, name) : fallback);
  return renderPage(
    c,
    <Layout title="意向調査" user={user}>
      <h1>意向調査</h1>
      {rows.length === 0 ? (
        <p class="muted">まだ調査はありません。</p>
      ) : (
        <table>
          <caption>調査の一覧</caption>
          <thead>
            <tr>
              <th scope="col">調査名</th>
              <th scope="col">段階</th>
              <th scope="col">候補数</th>
              <th scope="col">締切</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">
                  <a href={`/surveys/${r.id}`}>{r.title}</a>
                </th>
                <td>{r.caseId ? `次年度参加意向（${fiscalYearLabel(r.targetFiscalYear!)}）` : surveyStageLabels[r.stage]}</td>
                <td class="num">{r.candidates.length}</td>
                <td>{dateTime(r.closesAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {user.role === 'secretariat' ? (
        <section class="card" aria-labelledby="new-survey">
          <h2 id="new-survey">調査の作成</h2>
          <ErrorBox message={error} />
          <form method="post" action="/surveys">
            <label for="s-title">調査名</label>
            <input id="s-title" name="title" type="text" required value={v('title')} {...invalid(fields, 'title', 's-title')} />
            <FieldError fields={fields} path="title" id="s-title" />
            <label for="s-stage">調査の進め方</label>
            <select id="s-stage" name="stage" {...invalid(fields, 'stage', 's-stage', 's-stage-help')}>
              {surveyStages.map((stage) => (
                <option value={stage} selected={v('stage', 'ranking') === stage}>
                  {stage === 'proposals' ? '二段階（まず参加団体から候補を募集し、絞り込んでから順位付け）' : '候補を示して順位と参加意向を聞く'}
                </option>
              ))}
            </select>
            <p id="s-stage-help" class="muted">
              二段階の調査では候補は空のままで作成できます。候補のコードは提案の順に P1、P2… と付きます。
            </p>
            <label for="s-candidates">候補（1行に1つ、名称または「コード,名称」）</label>
            <textarea id="s-candidates" name="candidates" rows={4} {...invalid(fields, 'candidates', 's-candidates', 's-candidates-help')}>
              {v('candidates')}
            </textarea>
            <FieldError fields={fields} path="candidates" id="s-candidates" />
            <p id="s-candidates-help" class="muted">
              例: 文書管理・電子決裁システム（コードを省くと C1、C2… と付きます。コードを付けるなら docs,文書管理・電子決裁システム。継続案件の参加意向調査では空欄にすると案件そのものを候補にします）
            </p>
            <label for="s-points">順位ごとの点数（カンマ区切り）</label>
            <input id="s-points" name="points" type="text" value={v('points', '2,1')} {...invalid(fields, 'points', 's-points')} />
            <FieldError fields={fields} path="points" id="s-points" />
            <label for="s-threshold">参加意向の基準（全団体に対する割合）</label>
            <input id="s-threshold" name="threshold" type="text" inputmode="decimal" value={v('threshold', '0.25')} {...invalid(fields, 'threshold', 's-threshold')} />
            <FieldError fields={fields} path="threshold" id="s-threshold" />
            <label for="s-closes">締切</label>
            <input id="s-closes" name="closesAt" type="datetime-local" value={v('closesAt')} {...invalid(fields, 'closesAt', 's-closes')} />
            <FieldError fields={fields} path="closesAt" id="s-closes" />
            <fieldset>
              <legend>継続案件の次年度参加意向調査（任意）</legend>
              <label for="s-case">対象の調達案件</label>
              <select id="s-case" name="caseId">
                <option value="">（紐づけない）</option>
                {runningCases.map((r) => (
                  <option value={r.id} selected={v('caseId') === r.id}>
                    {r.title}（{fiscalYearLabel(r.fiscalYear)}）
                  </option>
                ))}
              </select>
              <label for="s-target">参加を確定する年度（西暦）</label>
              <input id="s-target" name="targetFiscalYear" type="text" inputmode="numeric" value={v('targetFiscalYear')} {...invalid(fields, 'targetFiscalYear', 's-target')} />
              <FieldError fields={fields} path="targetFiscalYear" id="s-target" />
            </fieldset>
            <button class="primary" type="submit">
              作成する
            </button>
          </form>
        </section>
      ) : null}
    </Layout>,
    error ? 400 : 200,
  );
}

/** A member's answer as shown in the form: ranking by place ('' for a place left empty) and intent by candidate. */
type AnswerShown = { ranking: string[]; intents: Record<string, string | undefined> };

/** A form of the page that was posted and refused: which one, and what was typed, so it is shown again. */
type Posted = ({ form: 'answer'; answer: AnswerShown } | { form: 'propose' | 'shortlist' | 'confirm'; fields: Form } | { form: 'case'; code: string; fields: Form }) & {
  /** the message of each refused field of that form */
  refused?: FieldErrors;
};

const flashes: Record<string, string> = {
  '1': '回答を保存しました。締切までは変更できます。',
  proposed: '候補を提案しました。',
  shortlisted: '候補を絞り込みました。参加団体は順位と参加意向を回答できます。',
};

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

async function surveyPage(c: Ctx, id: string, error?: string, posted?: Posted) {
  const { user, row } = await loadSurvey(c, id, 'secretariat', 'member');
  const db = dbOf(c);
  const now = nowOf(c);
  const view = surveyView(row, now);
  const results = await resultsOf(db, row);
  const responses = await surveyResponsesOf(db, row);
  const saved = user.role === 'member' && posted?.form !== 'answer' ? responses.find((r) => r.response.memberId === user.memberId) : undefined;
  const shown: AnswerShown | undefined = posted?.form === 'answer' ? posted.answer : saved?.response;
  const linked = row.caseId ? await findCase(db, user.consortiumId, row.caseId) : undefined;
  const inCase = linked && user.role === 'secretariat' ? await participatingMemberIds(db, linked.id) : new Set<string>();
  const byCode = new Map(results.results.map((r) => [r.code, r]));
  const proposing = row.stage === 'proposals';
  const anyProposer = results.results.some((r) => r.proposedBy !== null);
  const proposeRefused = posted?.form === 'propose' ? posted.refused : undefined;
  const typed = (name: string, fallback = '', form?: Posted['form'], code?: string) =>
    posted && posted.form === form && (posted.form !== 'case' || posted.code === code) && 'fields' in posted ? field(posted.fields, name) : fallback;
  const done = c.req.query('done') ?? '';
  const tally = (name: string) => {
    const value = c.req.query(name) ?? '';
    return /^\d{1,6}$/.test(value) ? Number(value) : 0;
  };
  const confirmedFlash = done === 'confirmed' ? `${tally('confirmed')}団体を参加団体として確定しました（すでに参加していた団体: ${tally('already')}）。` : undefined;
  return renderPage(
    c,
    <Layout title={row.title} user={user}>
      <p>
        <a href="/surveys">意向調査の一覧</a>
      </p>
      <h1>{row.title}</h1>
      <ErrorBox message={error} />
      <SuccessBox message={flashes[done] ?? confirmedFlash} />
      <p>
        段階: {surveyStageLabels[row.stage]}／ 締切: {dateTime(row.closesAt)}
        {view.closed ? '（締め切りました）' : ''}／ 配点: {row.points.map((p, i) => `${i + 1}位 ${p}点`).join('、')}／ 参加意向の基準: 全団体の{(view.threshold * 100).toFixed(0)}%
      </p>
      {linked ? (
        <p>
          継続案件: <a href={`/cases/${linked.id}`}>{linked.title}</a>／ 参加を確定する年度: {fiscalYearLabel(row.targetFiscalYear!)}
        </p>
      ) : null}
      {proposing ? (
        <>
          <div class="table-wrap">
            <table>
              <caption>提案された候補（{row.candidates.length}件）</caption>
              <thead>
                <tr>
                  <th scope="col">コード</th>
                  <th scope="col">候補</th>
                  <th scope="col">提案団体</th>
                  <th scope="col">提案の理由・補足</th>
                </tr>
              </thead>
              <tbody>
                {row.candidates.map((cand) => (
                  <tr>
                    <td>{cand.code}</td>
                    <th scope="row">{cand.name}</th>
                    <td>{byCode.get(cand.code)?.proposedByName ?? '事務局'}</td>
                    <td>{cand.note ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!view.closed ? (
            <form method="post" action={`/surveys/${row.id}/candidates`} class="card">
              <h2>候補の提案</h2>
              <p class="muted">
                {user.role === 'member' ? '共同調達したいシステム・業務を提案してください。' : '事務局として候補を追加します（提案団体は「事務局」と表示されます）。'}
              </p>
              <label for="p-name">システム・業務の名称</label>
              <input id="p-name" name="name" type="text" required maxlength={200} value={typed('name', '', 'propose')} {...invalid(proposeRefused, 'name', 'p-name')} />
              <FieldError fields={proposeRefused} path="name" id="p-name" />
              <label for="p-note">提案の理由・補足（任意）</label>
              <textarea id="p-note" name="note" rows={3} maxlength={2000} {...invalid(proposeRefused, 'note', 'p-note')}>
                {typed('note', '', 'propose')}
              </textarea>
              <FieldError fields={proposeRefused} path="note" id="p-note" />
              <button class="primary" type="submit">
                提案する
              </button>
            </form>
          ) : null}
          {user.role === 'secretariat' ? (
            <form method="post" action={`/surveys/${row.id}/shortlist`} class="card">
              <h2>候補の絞り込み</h2>
              {row.candidates.length === 0 ? (
                <p class="muted">まだ提案はありません。</p>
              ) : (
                <fieldset>
                  <legend>順位付けの対象として残す候補</legend>
                  {row.candidates.map((cand) => (
                    <label class="checkbox">
                      <input
                        type="checkbox"
                        name="codes"
                        value={cand.code}
                        checked={posted?.form === 'shortlist' ? fieldList(posted.fields, 'codes').includes(cand.code) : false}
                      />
                      {cand.code} {cand.name}（{byCode.get(cand.code)?.proposedByName ?? '事務局'}）
                    </label>
                  ))}
                </fieldset>
              )}
              <label for="s-reason">絞り込みの理由（任意・記録に残ります）</label>
              <textarea id="s-reason" name="reason" rows={2} maxlength={2000}>
                {typed('reason', '', 'shortlist')}
              </textarea>
              <p class="muted">絞り込むと提案の受付は終わり、参加団体は残した候補に順位と参加意向を回答します。</p>
              <button class="primary" type="submit" disabled={row.candidates.length === 0}>
                選んだ候補で順位付けを始める
              </button>
            </form>
          ) : null}
        </>
      ) : (
        <>
          <div class="table-wrap">
            <table>
              <caption>
                集計（全 {results.members} 団体中 {results.respondents} 団体が回答）
              </caption>
              <thead>
                <tr>
                  <th scope="col">候補</th>
                  {anyProposer ? <th scope="col">提案団体</th> : null}
                  <th scope="col" class="num">
                    得点
                  </th>
                  <th scope="col" class="num">
                    1位
                  </th>
                  {intents.map((i) => (
                    <th scope="col" class="num">
                      {intentLabels[i]}
                    </th>
                  ))}
                  <th scope="col">基準</th>
                  {linked ? null : <th scope="col">調達案件</th>}
                </tr>
              </thead>
              <tbody>
                {results.results.map((r) => (
                  <tr>
                    <th scope="row">{r.name}</th>
                    {anyProposer ? <td>{r.proposedByName ?? '事務局'}</td> : null}
                    <td class="num">{r.points}</td>
                    <td class="num">{r.firstChoices}</td>
                    {intents.map((i) => (
                      <td class="num">{r.intents[i]}</td>
                    ))}
                    <td>{r.meetsThreshold ? `○（${percent(r.intendingShare)}）` : `—（${percent(r.intendingShare)}）`}</td>
                    {linked ? null : (
                      <td>
                        {r.case ? (
                          <>
                            <a href={`/cases/${r.case.id}`}>{r.case.title}</a>
                            {r.case.thresholdException ? <p class="muted">基準未達のため政策的に実施: {r.case.thresholdException}</p> : null}
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {user.role === 'secretariat' ? (
            <p>
              <a href={`/api/surveys/${row.id}/results.csv`} download>
                集計をCSVでダウンロード
              </a>
            </p>
          ) : null}
          {user.role === 'member' && !view.closed ? (
            <form method="post" action={`/surveys/${row.id}/answer`} class="card">
              <h2>自団体の回答</h2>
              <fieldset>
                <legend>導入を希望する順位</legend>
                {row.points.map((p, place) => (
                  <div>
                    <label for={`rank-${place}`}>
                      {place + 1}位（{p}点）
                    </label>
                    <select id={`rank-${place}`} name="ranking">
                      <option value="">（選択しない）</option>
                      {row.candidates.map((cand) => (
                        <option value={cand.code} selected={shown?.ranking[place] === cand.code}>
                          {cand.name}
                        </option>
                      ))}
                    </select>
                  </div>
                ))}
              </fieldset>
              <fieldset>
                <legend>候補ごとの参加意向</legend>
                {row.candidates.map((cand) => (
                  <div>
                    <label for={`intent-${cand.code}`}>{cand.name}</label>
                    <select id={`intent-${cand.code}`} name={`intent_${cand.code}`}>
                      <option value="">（未回答）</option>
                      {intents.map((i) => (
                        <option value={i} selected={shown?.intents[cand.code] === i}>
                          {intentLabels[i]}
                        </option>
                      ))}
                    </select>
                  </div>
                ))}
              </fieldset>
              <p class="muted">1位に選んだ候補の参加意向を「{intentLabels.none}」にすることはできません。</p>
              <button class="primary" type="submit">
                回答を保存
              </button>
            </form>
          ) : null}
          {user.role === 'secretariat' && linked ? (
            <form method="post" action={`/surveys/${row.id}/confirm`} class="card">
              <h2>参加団体の確定</h2>
              <p class="muted">
                選んだ団体を「{linked.title}」の参加団体として{fiscalYearLabel(row.targetFiscalYear!)}から確定します（後から参加する団体として記録されます）。すでに参加している団体はそのままです。
              </p>
              {responses.length === 0 ? (
                <p class="muted">まだ回答はありません。</p>
              ) : (
                <fieldset>
                  <legend>確定する団体（「{intentLabels.join}」と回答した団体を選択済み）</legend>
                  {responses.map(({ response, memberName }) => {
                    const intent = row.candidates[0] ? response.intents[row.candidates[0].code] : undefined;
                    const checked =
                      posted?.form === 'confirm' ? fieldList(posted.fields, 'memberIds').includes(response.memberId) : intent === 'join';
                    return (
                      <label class="checkbox">
                        <input type="checkbox" name="memberIds" value={response.memberId} checked={checked} />
                        {memberName}（{intent ? intentLabels[intent] : '未回答'}
                        {inCase.has(response.memberId) ? '・参加中' : ''}）
                      </label>
                    );
                  })}
                </fieldset>
              )}
              <button class="primary" type="submit">
                参加団体として確定
              </button>
            </form>
          ) : null}
          {user.role === 'secretariat' && !linked ? (
            <section class="card" aria-labelledby="decide-cases">
              <h2 id="decide-cases">候補から調達案件を作成</h2>
              <p class="muted">「{intentLabels.join}」と回答した団体が、仮の参加団体として案件に登録されます。</p>
              {results.results.filter((r) => !r.case).length === 0 ? <p class="muted">すべての候補が調達案件になっています。</p> : null}
              {results.results
                .filter((r) => !r.case)
                .map((r) => {
                  const key = `case-${r.code}`;
                  const open = posted?.form === 'case' && posted.code === r.code;
                  const t = (name: string, fallback = '') => typed(name, fallback, 'case', r.code);
                  return (
                    <details open={open}>
                      <summary>
                        {r.name}（参加意向 {r.intending} 団体・{percent(r.intendingShare)}
                        {r.meetsThreshold ? '' : '・基準未達'}）
                      </summary>
                      <form method="post" action={`/surveys/${row.id}/candidates/${encodeURIComponent(r.code)}/case`}>
                        <label for={`${key}-title`}>件名</label>
                        <input id={`${key}-title`} name="title" type="text" required maxlength={300} value={t('title', r.name)} />
                        <label for={`${key}-method`}>調達方式</label>
                        <select id={`${key}-method`} name="method">
                          {caseMethods.map((m) => (
                            <option value={m} selected={t('method', 'proposal') === m}>
                              {caseMethodLabels[m]}
                            </option>
                          ))}
                        </select>
                        <label for={`${key}-ground`}>随意契約の根拠（調達方式が随意契約のときのみ）</label>
                        <select id={`${key}-ground`} name="negotiatedGround">
                          <option value="">（随意契約以外）</option>
                          {negotiatedGroundCodes.map((g) => (
                            <option value={g} selected={t('negotiatedGround') === g}>
                              {negotiatedGroundCitation(g)}: {negotiatedGrounds[g]}
                            </option>
                          ))}
                        </select>
                        <label for={`${key}-nreason`}>随意契約とする理由（調達方式が随意契約のときのみ）</label>
                        <textarea id={`${key}-nreason`} name="negotiatedReason" rows={2} maxlength={4000}>
                          {t('negotiatedReason')}
                        </textarea>
                        <label for={`${key}-mode`}>契約形態</label>
                        <select id={`${key}-mode`} name="contractMode">
                          {contractModes.map((m) => (
                            <option value={m} selected={t('contractMode', 'bulk') === m}>
                              {contractModeLabels[m]}
                            </option>
                          ))}
                        </select>
                        <label for={`${key}-year`}>年度（西暦）</label>
                        <input id={`${key}-year`} name="fiscalYear" type="text" inputmode="numeric" required value={t('fiscalYear', String(fiscalYearOf(now)))} />
                        {r.meetsThreshold ? null : (
                          <>
                            <label for={`${key}-reason`}>実施する理由（必須：参加意向が基準に達していません）</label>
                            <textarea id={`${key}-reason`} name="reason" rows={3} required maxlength={2000} aria-describedby={`${key}-reason-help`}>
                              {t('reason')}
                            </textarea>
                            <p id={`${key}-reason-help`} class="muted">
                              参加意向のある団体は全{results.members}団体中{r.intending}団体です。政策的に実施する理由は案件に記録され、この集計にも表示されます。
                            </p>
                          </>
                        )}
                        <button class="primary" type="submit">
                          この候補で調達案件を作成
                        </button>
                      </form>
                    </details>
                  );
                })}
            </section>
          ) : null}
        </>
      )}
    </Layout>,
    error ? 400 : 200,
  );
}

const optional = (value: string) => (value.trim() === '' ? undefined : value);

export const surveyPages = new Hono<AppEnv>()
  .get('/surveys', (c) => surveyListPage(c))
  .post('/surveys', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const form = await readForm(c);
    try {
      const candidates = field(form, 'candidates')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          // 「コード,名称」, or the name alone (its code is then generated)
          const [code, ...name] = line.split(/[,，]/);
          return name.length === 0 ? { code: '', name: line } : { code: (code ?? '').trim(), name: name.join(',').trim() };
        });
      const caseId = optional(field(form, 'caseId'));
      const input = parseWith(surveyInput, {
        title: field(form, 'title'),
        candidates,
        points: field(form, 'points').split(/[,，、\s]+/).filter(Boolean).map((p) => typedNumber(p, { decimal: true }) ?? Number.NaN),
        threshold: decimalField(form, 'threshold') ?? 0.25,
        closesAt: fromLocalInput(field(form, 'closesAt')),
        stage: field(form, 'stage') || 'ranking',
        ...(caseId !== undefined ? { caseId } : {}),
        ...(field(form, 'targetFiscalYear') !== '' ? { targetFiscalYear: integerField(form, 'targetFiscalYear') } : {}),
      });
      const row = await createSurvey(c, input);
      return c.redirect(`/surveys/${row.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return surveyListPage(c, formError(err), form, fieldErrors(err));
    }
  })
  .get('/surveys/:id', (c) => surveyPage(c, c.req.param('id')))
  .post('/surveys/:id/answer', async (c) => {
    const user = requireConsortiumRole(c, 'member');
    const id = c.req.param('id');
    const { row } = await loadSurvey(c, id, 'member');
    const form = await readForm(c);
    const places = fieldList(form, 'ranking');
    const chosen: Record<string, Intent> = {};
    for (const cand of row.candidates) {
      const value = field(form, `intent_${cand.code}`);
      if (value) chosen[cand.code] = value as Intent;
    }
    try {
      await answerSurvey(c, id, user.memberId!, parseWith(responseInput, { ranking: places.filter((v) => v !== ''), intents: chosen }));
      return c.redirect(`/surveys/${id}?done=1`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return surveyPage(c, id, formError(err), { form: 'answer', answer: { ranking: places, intents: chosen } });
    }
  })
  .post('/surveys/:id/candidates', async (c) => {
    requireConsortiumRole(c, 'secretariat', 'member');
    const id = c.req.param('id');
    await loadSurvey(c, id, 'secretariat', 'member');
    return formPost(
      c,
      async (form) => {
        const note = optional(field(form, 'note'));
        await proposeCandidate(c, id, parseWith(proposalInput, { name: field(form, 'name'), ...(note !== undefined ? { note } : {}) }));
        return `/surveys/${id}?done=proposed`;
      },
      (error, form, refused) => surveyPage(c, id, error, { form: 'propose', fields: form, refused }),
    );
  })
  .post('/surveys/:id/shortlist', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const id = c.req.param('id');
    await loadSurvey(c, id, 'secretariat');
    return formPost(
      c,
      async (form) => {
        const reason = optional(field(form, 'reason'));
        await shortlistCandidates(c, id, parseWith(shortlistInput, { codes: fieldList(form, 'codes'), ...(reason !== undefined ? { reason } : {}) }));
        return `/surveys/${id}?done=shortlisted`;
      },
      (error, form) => surveyPage(c, id, error, { form: 'shortlist', fields: form }),
    );
  })
  .post('/surveys/:id/candidates/:code/case', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const id = c.req.param('id');
    const code = c.req.param('code');
    await loadSurvey(c, id, 'secretariat');
    return formPost(
      c,
      async (form) => {
        // fields left empty are left out: only a 随意契約 names its ground and reason
        const given = Object.fromEntries(
          (['reason', 'negotiatedGround', 'negotiatedReason'] as const).flatMap((name) => {
            const value = optional(field(form, name));
            return value === undefined ? [] : [[name, value]];
          }),
        );
        const input = parseWith(candidateCaseInput, {
          title: field(form, 'title'),
          method: field(form, 'method'),
          contractMode: field(form, 'contractMode') || 'bulk',
          fiscalYear: integerField(form, 'fiscalYear'),
          ...given,
        });
        const decided = await caseFromCandidate(c, id, code, input);
        return `/cases/${decided.case.id}`;
      },
      (error, form) => surveyPage(c, id, error, { form: 'case', code, fields: form }),
    );
  })
  .post('/surveys/:id/confirm', async (c) => {
    requireConsortiumRole(c, 'secretariat');
    const id = c.req.param('id');
    await loadSurvey(c, id, 'secretariat');
    return formPost(
      c,
      async (form) => {
        // the form always names the members: none ticked confirms none
        const result = await confirmParticipants(c, id, parseWith(confirmInput, { memberIds: fieldList(form, 'memberIds') }));
        return `/surveys/${id}?done=confirmed&confirmed=${result.confirmed.length}&already=${result.alreadyParticipating.length}`;
      },
      (error, form) => surveyPage(c, id, error, { form: 'confirm', fields: form }),
    );
  });
