import { and, eq } from 'drizzle-orm';
import { announcesChanges } from '../../domain/addenda.ts';
import { ReasonField } from '../../views/addenda.tsx';
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Criterion, users } from '../../../schema/index.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import type { CaseRow } from '../../db/cases.ts';
import { hasPassed } from '../../domain/deadline.ts';
import { aggregationLabels, gradeLetters, sheetProblems } from '../../domain/scoring.ts';
import { byName } from '../../domain/names.ts';
import { AppError, notFound } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import {
  closeEvaluation,
  coiInput,
  computeResults,
  declareConflict,
  evaluationInput,
  evaluationProgress,
  evaluationView,
  findEvaluation,
  ownSheet,
  proposalsForEvaluator,
  reopenInput,
  reopenSheet,
  rulesOf,
  saveSheet,
  setEvaluation,
  sheetInput,
  submitSheet,
  evaluatedVendors,
} from '../../services/evaluation.ts';
import { BarChart } from '../../views/bar-chart.tsx';
import { sizeLabel } from '../../views/files.tsx';
import { dateTime, points, yen } from '../../views/format.ts';
import { pointsRule } from '../../domain/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, type FieldErrors, FieldError, invalid, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldErrors, fieldList, formError, isFormError, moreBlankRows, readForm, typedNumber } from './form.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';
import { BackToCase } from '../../views/case-views.tsx';
import { caseProposals } from '../../services/proposals.ts';
import { AddRowsButton } from '../../views/add-rows.tsx';

const modeLabels: Record<Criterion['mode'], string> = { points: '点数', grade: '段階（A〜E）', pass_fail: '適否', price: '価格点（自動計算）' };

/** A table with one column per vendor, in ranking order, and one labelled row per item. */
function VendorTable(props: { caption: string; rowHeading: string; vendors: { vendorId: string; vendorName: string }[]; rows: { label: string; cell: (vendorId: string) => string }[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.rowHeading}</th>
            {props.vendors.map((v) => (
              <th scope="col" class="num">
                {v.vendorName}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row">{r.label}</th>
              {props.vendors.map((v) => (
                <td class="num">{r.cell(v.vendorId)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The evaluator's start page: the declaration first, then the proposals and each sheet's status. */
async function evaluatorHome(c: Ctx, caseId: string, error?: string) {
  const { user, row } = await loadCase(c, caseId, 'evaluator');
  const found = await findEvaluation(dbOf(c), row.id);
  const member = found?.committee.find((e) => e.userId === user.id);
  if (!found || !member) throw notFound('この案件の評価委員ではありません。');
  const page = (body: Child, status: ContentfulStatusCode = 200) =>
    renderPage(
      c,
      <Layout title={`評価 | ${row.title}`} user={user}>
        <BackToCase row={row} />
        <h1>提案の評価</h1>
        <ErrorBox message={error} />
        {body}
      </Layout>,
      error ? 400 : status,
    );
  if (member.conflict === null) {
    return page(
      <form method="post" action={`/cases/${row.id}/evaluate/coi`} class="card">
        <h2>利害関係の申告</h2>
        <p>評価を始める前に、提案者との利害関係（役員・親族関係、取引関係など）の有無を申告してください。申告は記録に残ります。申告するまで提案書は表示されません。</p>
        <fieldset>
          <legend>利害関係</legend>
          <label class="checkbox">
            <input type="radio" name="conflict" value="false" required />
            提案者との利害関係はありません
          </label>
          <label class="checkbox">
            <input type="radio" name="conflict" value="true" />
            利害関係があります（この案件の評価には参加しません）
          </label>
        </fieldset>
        <label for="coi-note">補足（任意）</label>
        <textarea id="coi-note" name="note" rows={2} />
        <button class="primary" type="submit">
          申告する
        </button>
      </form>,
    );
  }
  if (member.conflict) {
    return page(<p class="notice">利害関係があると申告したため、この案件の評価には参加しません。</p>);
  }
  // proposals stay sealed until the submission deadline, for the committee as for the secretariat
  if (!hasPassed(nowOf(c), row.submissionDeadline)) {
    return page(<p class="notice">提案書は提出期限（{dateTime(row.submissionDeadline)}）の後に表示されます。</p>);
  }
  // each proposal by its ref and label: under anonymisation no vendor id or name is on the page
  const proposals = await proposalsForEvaluator(c, row.id, found.row);
  return page(
    <>
      <p>
        集計方法: {aggregationLabels[found.row.aggregation]}／ 最低基準点: 技術点の満点の{Math.round(Number(found.row.passRatio) * 100)}%
        {found.row.closedAt ? '／ 評価は締め切られました。' : row.state !== 'evaluation' ? '／ 採点は案件が「審査中」になってからできます。' : ''}
      </p>
      <div class="table-wrap">
        <table>
          <caption>提案と採点票</caption>
          <thead>
            <tr>
              <th scope="col">提案者</th>
              <th scope="col">提出資料</th>
              <th scope="col">採点票</th>
            </tr>
          </thead>
          <tbody>
            {proposals.map((p) => {
              const status = p.sheetStatus;
              return (
                <tr>
                  <th scope="row">{p.label}</th>
                  <td>
                    {p.files.map((f) => (
                      <div>
                        <a href={`/api/files/${f.id}`}>{f.name}</a>（{sizeLabel(f.size)}）
                      </div>
                    ))}
                  </td>
                  <td>
                    <span class={status === 'submitted' ? 'status-submitted' : 'status-draft'}>{status === 'submitted' ? '提出済み' : p.returned ? '差し戻し（再提出が必要）' : status === 'draft' ? '一時保存中' : '未着手'}</span>{' '}
                    <a href={`/cases/${row.id}/evaluate/${p.ref}`}>{status === 'submitted' ? '内容を見る' : '採点する'}</a>
                    {p.returned ? (
                      <p class="returned-reason">
                        差し戻しの理由（{dateTime(p.returned.at)}）: {p.returned.reason}
                      </p>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>,
  );
}

function scoresFromForm(form: Form, criteria: Criterion[]) {
  const scores: Record<string, number | string | boolean> = {};
  for (const criterion of criteria) {
    const raw = field(form, `score_${criterion.code}`).trim();
    if (raw === '' || criterion.mode === 'price') continue;
    if (criterion.mode === 'points') scores[criterion.code] = typedNumber(raw, { decimal: true }) ?? Number.NaN;
    else if (criterion.mode === 'pass_fail') scores[criterion.code] = raw === 'true';
    else scores[criterion.code] = raw;
  }
  return scores;
}

/** The sheet of the proposal `ref` names: every address on it carries the ref, never the vendor id. */
/** Refusals that mean the sheet changed elsewhere (another tab, a submission, the close): editing stops here. */
const conflictCodes = new Set(['stale_sheet', 'sheet_locked', 'evaluation_closed']);

type Problem = { message: string; fields: Record<string, string>; status: ContentfulStatusCode; code?: string };

/** The banner that stops editing when the sheet changed elsewhere; hidden until sheet.js needs it when there is no message yet. */
function ConflictBanner({ message, href }: { message?: string | undefined; href: string }) {
  return (
    <div class="error" role="alert" id="sheet-conflict" tabindex={-1} hidden={!message}>
      <p>
        <strong>この画面では編集できません。</strong> <span id="sheet-conflict-message">{message ?? ''}</span>
      </p>
      <p>この画面で入力した内容は保存されていません。必要なら控えてから、最新の内容を読み込んでください。</p>
      <p>
        <a href={href} class="button">
          最新の内容を読み込む
        </a>
      </p>
    </div>
  );
}

/** The notice on a sheet the secretariat returned (差し戻し): when, and why. */
function ReturnedNotice({ returned }: { returned: { reason: string; at: Date } | null }) {
  if (!returned) return null;
  return (
    <div class="notice" id="sheet-returned">
      <p>
        <strong>この採点票は事務局から差し戻されました</strong>（{dateTime(returned.at)}）。
      </p>
      <p>理由: {returned.reason}</p>
      <p>内容を見直して、もう一度提出してください。</p>
    </div>
  );
}

async function sheetPage(c: Ctx, caseId: string, ref: string, problem?: Problem, posted?: Form) {
  const { user, row } = await loadCase(c, caseId, 'evaluator');
  const { evaluation, vendor, sheet, returned } = await ownSheet(c, row, ref);
  const name = evaluation.anonymize ? vendor.label : vendor.vendorName;
  const conflict = problem?.code !== undefined && conflictCodes.has(problem.code);
  const locked = conflict || sheet.status === 'submitted' || evaluation.closedAt !== null || row.state !== 'evaluation';
  const sheetUrl = `/cases/${row.id}/evaluate/${ref}`;
  const value = (code: string) => (posted ? field(posted, `score_${code}`) : sheet.scores[code] === undefined ? '' : String(sheet.scores[code]));
  const groups = [...new Set(evaluation.criteria.map((cr) => cr.group ?? ''))];
  const done = c.req.query('done');
  return renderPage(
    c,
    <Layout title={`採点票 ${name} | ${row.title}`} user={user}>
      <p>
        <a href={`/cases/${row.id}/evaluate`}>提案の一覧へ戻る</a>
      </p>
      <h1>採点票: {name}</h1>
      <SuccessBox message={done === 'save' ? '一時保存しました。' : done === 'submit' ? '提出しました。提出後は変更できません（事務局による差し戻しを除く）。' : undefined} />
      {conflict ? null : <ErrorBox message={problem?.message} />}
      <ConflictBanner message={conflict ? problem?.message : undefined} href={sheetUrl} />
      {sheet.status === 'submitted' ? <p class="notice">この採点票は提出済みです。</p> : <ReturnedNotice returned={returned} />}
      <form method="post" action={`/cases/${row.id}/evaluate/${ref}`} data-sheet-api={`/api/cases/${row.id}/evaluation/sheets/${ref}`} novalidate>
        <input type="hidden" name="version" value={String(sheet.version)} />
        <div class="total-box" aria-live="polite">
          技術点の合計: <output id="running-total">{points(sheet.total)}</output> 点 <span id="save-status" class="muted" role="status" />
        </div>
        {groups.map((group) => (
          <fieldset>
            <legend>{group || '評価項目'}</legend>
            {evaluation.criteria
              .filter((cr) => (cr.group ?? '') === group)
              .map((cr) => {
                const id = `score-${cr.code}`;
                const error = problem?.fields[cr.code];
                const describedBy = `${id}-meta ${id}-error`;
                return (
                  <div class="criterion">
                    <label for={id}>{cr.name}</label>
                    <p class="meta" id={`${id}-meta`}>
                      {modeLabels[cr.mode]}
                      {cr.mode === 'points' || cr.mode === 'grade' || cr.mode === 'price' ? `・配点 ${points(cr.maxPoints)}点` : ''}
                      {cr.guidance ? `・${cr.guidance}` : ''}
                    </p>
                    {cr.mode === 'points' ? (
                      <input
                        id={id}
                        class="score"
                        name={`score_${cr.code}`}
                        type="number"
                        min="0"
                        max={String(cr.maxPoints)}
                        step="0.01"
                        inputmode="decimal"
                        value={value(cr.code)}
                        disabled={locked}
                        data-criterion={cr.code}
                        data-mode="points"
                        aria-describedby={describedBy}
                        aria-invalid={error ? 'true' : 'false'}
                      />
                    ) : cr.mode === 'grade' ? (
                      <select id={id} name={`score_${cr.code}`} disabled={locked} data-criterion={cr.code} data-mode="grade" data-max={String(cr.maxPoints)} aria-describedby={describedBy}>
                        <option value="" data-coefficient="0">
                          （未評価）
                        </option>
                        {gradeLetters.map((g) => (
                          <option value={g} selected={value(cr.code) === g} data-coefficient={evaluation.grades[g]}>
                            {g}（{points(cr.maxPoints * Number(evaluation.grades[g]))}点）
                          </option>
                        ))}
                      </select>
                    ) : cr.mode === 'pass_fail' ? (
                      <select id={id} name={`score_${cr.code}`} disabled={locked} data-criterion={cr.code} data-mode="pass_fail" aria-describedby={describedBy}>
                        <option value="">（未評価）</option>
                        <option value="true" selected={value(cr.code) === 'true'}>
                          適
                        </option>
                        <option value="false" selected={value(cr.code) === 'false'}>
                          不適
                        </option>
                      </select>
                    ) : (
                      <p id={id}>提案価格 {vendor.price === null ? '（未登録）' : yen(vendor.price)} から、評価の締切後に自動で計算されます。</p>
                    )}
                    <p class="field-error" id={`${id}-error`}>
                      {error ?? ''}
                    </p>
                  </div>
                );
              })}
          </fieldset>
        ))}
        <label for="comment">講評（任意）</label>
        <textarea id="comment" name="comment" rows={3} disabled={locked}>
          {posted ? field(posted, 'comment') : sheet.comment}
        </textarea>
        {locked ? null : (
          <>
          <p id="submit-help" class="muted">
            「提出」は確認画面で内容を確かめてから確定します。提出後は変更できません（事務局による差し戻しを除く）。
          </p>
          <div class="actions">
            <button class="secondary" type="submit" name="action" value="save">
              一時保存
            </button>
            <button class="primary" type="submit" name="action" value="submit" aria-describedby="submit-help">
              提出（確認画面へ）
            </button>
          </div>
          </>
        )}
      </form>
      <script src="/assets/sheet.js" defer />
    </Layout>,
    problem ? problem.status : 200,
  );
}

/** The evaluation setup as typed: numbers as text, so a mistyped one comes back as it was. */
interface PostedSetup {
  criteria: { code: string; group: string; name: string; maxPoints: string; mode: string; guidance: string }[];
  aggregation: string;
  passRatio: string;
  grades: Record<string, string>;
  evaluatorIds: string[];
  anonymize: boolean;
  reason?: string;
  /** blank criterion rows to show (more after 「行を追加」) */
  blanks?: number;
}

/** The setup form: the saved evaluation, or what was typed into a refused post. */
function EvaluationSetup({
  row,
  evaluation,
  candidates,
  posted,
  fields,
}: {
  row: CaseRow;
  evaluation: ReturnType<typeof evaluationView> | null;
  candidates: { id: string; name: string }[];
  posted?: PostedSetup | undefined;
  fields?: FieldErrors | undefined;
}) {
  const grades = evaluation?.grades ?? { A: 1, B: 0.75, C: 0.5, D: 0.25, E: 0 };
  const shown: PostedSetup = posted ?? {
    criteria: (evaluation?.criteria ?? []).map((cr) => ({ code: cr.code, group: cr.group ?? '', name: cr.name, maxPoints: String(cr.maxPoints), mode: cr.mode, guidance: cr.guidance ?? '' })),
    aggregation: evaluation?.aggregation ?? '',
    passRatio: String(evaluation?.passRatio ?? 0.6),
    grades: Object.fromEntries(gradeLetters.map((g) => [g, String(grades[g])])),
    evaluatorIds: evaluation?.evaluatorIds ?? [],
    anonymize: evaluation?.anonymize ?? false,
  };
  const blanks = posted?.blanks ?? 3;
  const rows: (PostedSetup['criteria'][number] | null)[] = [...shown.criteria, ...Array.from({ length: blanks }, () => null)];
  const cell = (i: number, key: string, id: string) => ({ id, ...invalid(fields, `criteria.${i}.${key}`, id) });
  const cellError = (i: number, key: string, id: string) => <FieldError fields={fields} path={`criteria.${i}.${key}`} id={id} />;
  return (
    <form method="post" action={`/cases/${row.id}/evaluation`} class="card">
      <h2>評価基準と評価委員</h2>
      <div class="table-wrap">
        <table>
          <caption>評価項目（項目名を空にした行は削除されます。コードは空欄なら自動で付きます）</caption>
          <thead>
            <tr>
              <th scope="col">コード（任意）</th>
              <th scope="col">区分</th>
              <th scope="col">項目名</th>
              <th scope="col">配点</th>
              <th scope="col">方式</th>
              <th scope="col">評価の視点</th>
            </tr>
          </thead>
          <tbody id="criteria-rows">
            {rows.map((cr, i) => (
              <tr>
                <td>
                  <input type="text" name="c_code" value={cr?.code ?? ''} aria-label={`${i + 1}行目のコード`} {...cell(i, 'code', `c-code-${i}`)} />
                  {cellError(i, 'code', `c-code-${i}`)}
                </td>
                <td>
                  <input type="text" name="c_group" value={cr?.group ?? ''} aria-label={`${i + 1}行目の区分`} />
                </td>
                <td>
                  <input type="text" name="c_name" value={cr?.name ?? ''} aria-label={`${i + 1}行目の項目名`} {...cell(i, 'name', `c-name-${i}`)} />
                  {cellError(i, 'name', `c-name-${i}`)}
                </td>
                <td>
                  <input type="text" name="c_max" inputmode="decimal" value={cr?.maxPoints ?? ''} aria-label={`${i + 1}行目の配点`} {...cell(i, 'maxPoints', `c-max-${i}`)} />
                  {cellError(i, 'maxPoints', `c-max-${i}`)}
                </td>
                <td>
                  <select name="c_mode" aria-label={`${i + 1}行目の方式`}>
                    {Object.entries(modeLabels).map(([m, label]) => (
                      <option value={m} selected={cr?.mode === m}>
                        {label}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input type="text" name="c_guidance" value={cr?.guidance ?? ''} aria-label={`${i + 1}行目の評価の視点`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FieldError fields={fields} path="criteria" id="criteria-rows" />
      <AddRowsButton rowsId="criteria-rows" blanks={blanks} />
      <div class="grid4">
        <div>
          <label for="aggregation">集計方法</label>
          <select id="aggregation" name="aggregation">
            {Object.entries(aggregationLabels).map(([k, label]) => (
              <option value={k} selected={shown.aggregation === k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="passRatio">最低基準点（満点に対する割合）</label>
          <input id="passRatio" name="passRatio" type="text" inputmode="decimal" value={shown.passRatio} {...invalid(fields, 'passRatio', 'passRatio')} />
          <FieldError fields={fields} path="passRatio" id="passRatio" />
        </div>
        {gradeLetters.map((g) => (
          <div>
            <label for={`grade-${g}`}>段階 {g} の係数</label>
            <input id={`grade-${g}`} name={`grade_${g}`} type="text" inputmode="decimal" value={shown.grades[g] ?? ''} {...invalid(fields, `grades.${g}`, `grade-${g}`)} />
            <FieldError fields={fields} path={`grades.${g}`} id={`grade-${g}`} />
          </div>
        ))}
      </div>
      <fieldset>
        <legend>評価委員</legend>
        {candidates.map((p) => (
          <label class="checkbox">
            <input type="checkbox" name="evaluatorIds" value={p.id} checked={shown.evaluatorIds.includes(p.id)} />
            {p.name}
          </label>
        ))}
      </fieldset>
      <label class="checkbox">
        <input type="checkbox" name="anonymize" checked={shown.anonymize} />
        評価委員には提案者名を伏せ、「提案者A・B・C…」と表示する
      </label>
      <ReasonField id="evaluation-reason" value={posted?.reason} published={announcesChanges(row)} fields={fields} />
      <button class="primary" type="submit">
        評価基準を保存
      </button>
      <script src="/assets/rows.js" defer />
    </form>
  );
}

async function adminPage(c: Ctx, caseId: string, error?: string, posted?: PostedSetup, fields?: FieldErrors) {
  const { user, row } = await loadCase(c, caseId, 'secretariat');
  const db = dbOf(c);
  const found = await findEvaluation(db, row.id);
  const candidates = byName(
    await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(and(eq(users.consortiumId, row.consortiumId), eq(users.role, 'evaluator'))),
    (p) => p.name,
  );
  const view = found ? evaluationView(found.row, found.committee) : null;
  const progress = found ? await evaluationProgress(db, row.id) : [];
  const vendorsToScore = found ? await evaluatedVendors(db, row.id) : [];
  // proposals sealed until the deadline: a withdrawal is shown with them, after it
  const withdrawals = hasPassed(nowOf(c), row.submissionDeadline) ? (await caseProposals(db, row)).filter((p) => p.withdrawn) : [];
  const started = progress.some((p) => p.submitted > 0);
  const results = found?.row.closedAt ? await computeResults(db, row.id, found.row) : null;
  const nameOf = (id: string) => progress.find((p) => p.userId === id)?.name ?? '';
  const done = c.req.query('done');
  return renderPage(
    c,
    <Layout title={`評価の管理 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>提案の評価（事務局）</h1>
      <SuccessBox message={done === 'setup' ? '評価基準を保存しました。' : done === 'reopen' ? '採点票を差し戻しました。' : done === 'close' ? '評価を締め切りました。結果は下のとおりです。' : undefined} />
      <ErrorBox message={error} />
      {found && !started && !found.row.closedAt ? <EvaluationSetup row={row} evaluation={view} candidates={candidates} posted={posted} fields={fields} /> : null}
      {!found ? <EvaluationSetup row={row} evaluation={null} candidates={candidates} posted={posted} fields={fields} /> : null}
      {found ? (
        <section aria-labelledby="progress-heading">
          <h2 id="progress-heading">進み具合</h2>
          <p>
            評価する提案: {vendorsToScore.length}件 ／ 集計方法: {aggregationLabels[found.row.aggregation]}
            {found.row.anonymize ? ' ／ 評価委員には提案者名を伏せています' : ''}
          </p>
          {withdrawals.length > 0 ? (
            <div class="notice" id="withdrawals">
              <p>辞退した提案者（評価の対象外）:</p>
              <ul>
                {withdrawals.map((w) => (
                  <li>
                    {w.vendorName}
                    {w.withdrawnAt ? `（${dateTime(w.withdrawnAt)} 辞退）` : '（辞退）'}
                    {w.withdrawalReason ? ` 理由: ${w.withdrawalReason}` : ''}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <table>
            <caption>評価委員ごとの提出状況（点数は表示しません）</caption>
            <thead>
              <tr>
                <th scope="col">評価委員</th>
                <th scope="col">利害関係の申告</th>
                <th scope="col" class="num">提出済み／採点票</th>
              </tr>
            </thead>
            <tbody>
              {progress.map((p) => (
                <tr>
                  <th scope="row">{p.name}</th>
                  <td>{!p.declared ? '未申告' : p.conflict ? '利害関係あり（除外）' : '利害関係なし'}</td>
                  <td class="num">
                    {p.submitted} / {p.total}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!found.row.closedAt ? (
            <div class="actions">
              <form method="post" action={`/cases/${row.id}/evaluation/close`}>
                <label class="checkbox">
                  <input type="checkbox" name="confirm" required />
                  締め切ると採点票は変更できなくなることを確認しました
                </label>
                <button class="primary" type="submit">
                  評価を締め切る
                </button>
              </form>
            </div>
          ) : null}
          {!found.row.closedAt && started ? (
            <form method="post" action={`/cases/${row.id}/evaluation/reopen`} class="card">
              <h3>採点票の差し戻し</h3>
              <div class="grid4">
                <div>
                  <label for="reopen-evaluator">評価委員</label>
                  <select id="reopen-evaluator" name="evaluatorId">
                    {progress
                      .filter((p) => p.submitted > 0)
                      .map((p) => (
                        <option value={p.userId}>{p.name}</option>
                      ))}
                  </select>
                </div>
                <div>
                  <label for="reopen-vendor">提案者</label>
                  <select id="reopen-vendor" name="vendorId">
                    {vendorsToScore.map((v) => (
                      <option value={v.vendorId}>{v.vendorName}</option>
                    ))}
                  </select>
                </div>
              </div>
              <label for="reopen-reason">理由（記録に残ります）</label>
              <input id="reopen-reason" name="reason" type="text" required />
              <button class="secondary" type="submit">
                差し戻す
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      {results ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">評価結果</h2>
          <p>
            優先交渉権者: <strong>{results.ranking.find((r) => r.vendorId === results.preferred)?.vendorName ?? '該当なし'}</strong> ／ 次点:{' '}
            <strong>{results.ranking.find((r) => r.vendorId === results.runnerUp)?.vendorName ?? '該当なし'}</strong>
            {results.ranking.some((r) => r.tie && r.passed && r.rank <= 2) ? ' ／ 同点のため、公表した方法で順位を決定してください。' : ''}
          </p>
          <div class="table-wrap">
            <table>
              <caption>
                順位（技術点の満点 {points(results.technicalMax)}点、最低基準点 {points(results.passLine)}点、評価委員 {results.evaluatorCount}人）
              </caption>
              <thead>
                <tr>
                  <th scope="col" class="num">順位</th>
                  <th scope="col">提案者</th>
                  <th scope="col" class="num">技術点</th>
                  <th scope="col" class="num">価格点</th>
                  <th scope="col" class="num">合計点</th>
                  <th scope="col">判定</th>
                </tr>
              </thead>
              <tbody>
                {results.ranking.map((r) => (
                  <tr>
                    <td class="num">
                      {r.rank}
                      {r.tie ? '（同点）' : ''}
                    </td>
                    <th scope="row">{r.vendorName}</th>
                    <td class="num">{points(r.technical)}</td>
                    <td class="num">{points(r.price)}</td>
                    <td class="num">{points(r.total)}</td>
                    <td>{r.passed ? '合格' : r.failedItems.length > 0 ? '不合格（必須項目）' : '不合格（最低基準点未満）'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted">{pointsRule}</p>
          <BarChart
            caption="提案者ごとの合計点（技術点と価格点）"
            legend={['技術点', '価格点']}
            max={Math.max(...results.ranking.map((r) => r.total), 1)}
            bars={results.ranking.map((r) => ({
              label: r.vendorName,
              parts: [
                { value: r.technical, title: `技術点 ${points(r.technical)}` },
                { value: r.price, title: `価格点 ${points(r.price)}` },
              ],
            }))}
          />
          <VendorTable
            caption="評価項目ごとの平均点（適否は「適」とした委員の割合）"
            rowHeading="評価項目"
            vendors={results.ranking}
            rows={results.criterionAverages.map((a) => ({
              label: a.name,
              cell: (vendorId: string) => (a.mode === 'pass_fail' ? `${Math.round((a.byVendor[vendorId] ?? 0) * 100)}%` : points(a.byVendor[vendorId] ?? 0)),
            }))}
          />
          <VendorTable
            caption="評価委員ごとの技術点"
            rowHeading="評価委員"
            vendors={results.ranking}
            rows={byName(results.evaluatorTotals, (e) => nameOf(e.evaluatorId)).map((e) => ({ label: nameOf(e.evaluatorId), cell: (vendorId: string) => points(e.byVendor[vendorId] ?? 0) }))}
          />
          <p>
            <a href={`/api/cases/${row.id}/evaluation/results.csv`} download>
              評価結果をCSVでダウンロード
            </a>
          </p>
        </section>
      ) : null}
    </Layout>,
    error ? 400 : 200,
  );
}

/** The setup as typed; a criterion without a name is dropped (that is how a row is deleted). */
function setupFromForm(form: Form): PostedSetup {
  const list = (name: string) => fieldList(form, name);
  const codes = list('c_code');
  const groups = list('c_group');
  const maxes = list('c_max');
  const modes = list('c_mode');
  const guidance = list('c_guidance');
  return {
    criteria: list('c_name').flatMap((name, i) =>
      name === '' ? [] : [{ code: codes[i] ?? '', group: groups[i] ?? '', name, maxPoints: maxes[i] ?? '', mode: modes[i] ?? 'points', guidance: guidance[i] ?? '' }],
    ),
    aggregation: field(form, 'aggregation'),
    passRatio: field(form, 'passRatio'),
    grades: Object.fromEntries(gradeLetters.map((g) => [g, field(form, `grade_${g}`)])),
    evaluatorIds: list('evaluatorIds').filter(Boolean),
    anonymize: field(form, 'anonymize') === 'on',
    reason: field(form, 'reason'),
  };
}

/** The typed setup with its numbers read (a mistyped one is NaN, which validation refuses). */
function evaluationFromSetup(typed: PostedSetup) {
  return {
    criteria: typed.criteria.map((cr) => ({
      code: cr.code,
      ...(cr.group ? { group: cr.group } : {}),
      name: cr.name,
      maxPoints: typedNumber(cr.maxPoints, { decimal: true }) ?? 0,
      mode: cr.mode,
      ...(cr.guidance ? { guidance: cr.guidance } : {}),
    })),
    aggregation: typed.aggregation,
    passRatio: typedNumber(typed.passRatio, { decimal: true }) ?? 0.6,
    grades: Object.fromEntries(gradeLetters.map((g) => [g, typedNumber(typed.grades[g] ?? '', { decimal: true }) ?? 0])),
    evaluatorIds: typed.evaluatorIds,
    anonymize: typed.anonymize,
    ...(typed.reason?.trim() ? { reason: typed.reason } : {}),
  };
}

function problemOf(err: AppError) {
  const details = Array.isArray(err.details) ? (err.details as { path?: string; message?: string }[]) : [];
  const fields: Record<string, string> = {};
  for (const d of details) if (d.path?.startsWith('scores.')) fields[d.path.slice(7)] = d.message ?? '';
  return { message: formError(err), fields, status: err.status, code: err.code };
}

/** What a sheet's answer reads as on the confirmation page. */
function shownScore(cr: Criterion, value: unknown, grades: Record<string, number | string>): string {
  if (cr.mode === 'price') return '評価の締切後に自動計算';
  if (value === undefined || value === '') return '（未評価）';
  if (cr.mode === 'pass_fail') return value === true ? '適' : '不適';
  if (cr.mode === 'grade') return `${String(value)}（${points(cr.maxPoints * Number(grades[String(value)] ?? 0))}点）`;
  return `${points(Number(value))}点`;
}

/** 提出の確認: the saved sheet read back, and one more click to submit it (or what is still missing). */
async function confirmPage(c: Ctx, caseId: string, ref: string, error?: string, status: ContentfulStatusCode = 200) {
  const { user, row } = await loadCase(c, caseId, 'evaluator');
  const { evaluation, vendor, sheet } = await ownSheet(c, row, ref);
  const sheetUrl = `/cases/${row.id}/evaluate/${ref}`;
  if (sheet.status === 'submitted' || evaluation.closedAt !== null || row.state !== 'evaluation') return c.redirect(sheetUrl, 303);
  const name = evaluation.anonymize ? vendor.label : vendor.vendorName;
  const missing = sheetProblems(rulesOf(evaluation), sheet.scores, true);
  return renderPage(
    c,
    <Layout title={`採点票の提出の確認 ${name} | ${row.title}`} user={user}>
      <p>
        <a href={sheetUrl}>採点票に戻る</a>
      </p>
      <h1>採点票の提出の確認: {name}</h1>
      <ErrorBox message={error} />
      {missing.length > 0 ? (
        <div class="error" role="alert">
          <p>未評価の項目があるため、まだ提出できません。採点票に戻って入力してください。</p>
          <ul>
            {missing.map((m) => (
              <li>{m.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="table-wrap">
        <table>
          <caption>保存されている採点の内容</caption>
          <thead>
            <tr>
              <th scope="col">評価項目</th>
              <th scope="col">評価</th>
            </tr>
          </thead>
          <tbody>
            {evaluation.criteria.map((cr) => (
              <tr>
                <th scope="row">
                  {cr.group ? `${cr.group}: ` : ''}
                  {cr.name}
                </th>
                <td>{shownScore(cr, sheet.scores[cr.code], evaluation.grades)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        技術点の合計: <strong>{points(sheet.total)}</strong> 点
      </p>
      {sheet.comment ? (
        <>
          <h2>講評</h2>
          <p class="prewrap">{sheet.comment}</p>
        </>
      ) : null}
      {missing.length === 0 ? (
        <form method="post" action={`${sheetUrl}/submit`} class="card">
          <p class="notice">提出すると、この採点票は変更できなくなります（事務局が差し戻した場合を除く）。この内容で提出しますか。</p>
          <input type="hidden" name="version" value={String(sheet.version)} />
          <div class="actions">
            <button class="primary" type="submit">
              この内容で提出する
            </button>
            <a href={sheetUrl}>採点票に戻って修正する</a>
          </div>
        </form>
      ) : (
        <p>
          <a href={sheetUrl} class="button">
            採点票に戻って入力する
          </a>
        </p>
      )}
    </Layout>,
    error ? status : 200,
  );
}

export const evaluationPages = new Hono<AppEnv>()
  .get('/cases/:id/evaluate', (c) => evaluatorHome(c, c.req.param('id')))
  .post('/cases/:id/evaluate/coi', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    const form = await readForm(c);
    try {
      const conflict = field(form, 'conflict');
      if (conflict !== 'true' && conflict !== 'false') throw new AppError('validation_error', '利害関係の有無を選んでください。');
      await declareConflict(c, row, parseWith(coiInput, { conflict: conflict === 'true', note: field(form, 'note') || undefined }));
      return c.redirect(`/cases/${row.id}/evaluate`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return evaluatorHome(c, row.id, formError(err));
    }
  })
  .get('/cases/:id/evaluate/:ref', (c) => sheetPage(c, c.req.param('id'), c.req.param('ref')))
  .post('/cases/:id/evaluate/:ref', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    const ref = c.req.param('ref');
    const form = await readForm(c);
    try {
      const { evaluation } = await ownSheet(c, row, ref);
      const version = Number(field(form, 'version'));
      await saveSheet(
        c,
        row.id,
        ref,
        parseWith(sheetInput, { scores: scoresFromForm(form, evaluation.criteria), comment: field(form, 'comment'), version: Number.isInteger(version) ? version : undefined }),
      );
      // 提出 saves what is on the form, then asks for confirmation on a page of its own
      if (field(form, 'action') === 'submit') return c.redirect(`/cases/${row.id}/evaluate/${ref}/submit`, 303);
      return c.redirect(`/cases/${row.id}/evaluate/${ref}?done=save`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return sheetPage(c, row.id, ref, problemOf(err), form);
    }
  })
  .get('/cases/:id/evaluate/:ref/submit', (c) => confirmPage(c, c.req.param('id'), c.req.param('ref')))
  .post('/cases/:id/evaluate/:ref/submit', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'evaluator');
    const ref = c.req.param('ref');
    const form = await readForm(c);
    try {
      const version = Number(field(form, 'version'));
      await submitSheet(c, row, ref, { version: Number.isInteger(version) && version >= 0 && field(form, 'version') !== '' ? version : undefined });
      return c.redirect(`/cases/${row.id}/evaluate/${ref}?done=submit`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      // changed in another tab since this page was drawn: show the latest content to confirm again
      if (err.code === 'stale_sheet') return confirmPage(c, row.id, ref, '別の画面（タブ）で採点票が更新されました。下に表示した最新の内容を確かめてから、もう一度提出してください。', 409);
      if (err.code === 'incomplete_sheet') return confirmPage(c, row.id, ref, formError(err), err.status);
      return sheetPage(c, row.id, ref, problemOf(err));
    }
  })
  .get('/cases/:id/evaluation', (c) => adminPage(c, c.req.param('id')))
  .post('/cases/:id/evaluation', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    const typed = setupFromForm(form);
    // 「行を追加」 without a script: the rows typed so far come back with three more blank rows, nothing saved
    if (field(form, 'addRows') !== '') return adminPage(c, row.id, undefined, { ...typed, blanks: moreBlankRows(form) });
    try {
      await setEvaluation(c, row, parseWith(evaluationInput, evaluationFromSetup(typed)));
      await issueAfterEvent(c, row, 'specChange');
      return c.redirect(`/cases/${row.id}/evaluation?done=setup`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return adminPage(c, row.id, formError(err), typed, fieldErrors(err));
    }
  })
  .post('/cases/:id/evaluation/close', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    try {
      if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', '締め切りの確認にチェックを入れてください。');
      await closeEvaluation(c, row);
      await issueAfterEvent(c, row, 'evaluationClosed');
      return c.redirect(`/cases/${row.id}/evaluation?done=close#results-heading`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const details = Array.isArray(err.details) ? (err.details as { name?: string; submitted?: number; total?: number }[]) : [];
      const who = details.filter((d) => d.name).map((d) => `${d.name}（${d.submitted}/${d.total}）`).join('、');
      return adminPage(c, row.id, who ? `${err.message} 未提出: ${who}` : formError(err));
    }
  })
  .post('/cases/:id/evaluation/reopen', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    try {
      await reopenSheet(c, row, field(form, 'vendorId'), parseWith(reopenInput, { evaluatorId: field(form, 'evaluatorId'), reason: field(form, 'reason') }));
      return c.redirect(`/cases/${row.id}/evaluation?done=reopen`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return adminPage(c, row.id, formError(err));
    }
  });
