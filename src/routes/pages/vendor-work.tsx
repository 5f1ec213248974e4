import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RfiQuestion } from '../../../schema/index.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import { fileView, vendorFiles } from '../../db/files.ts';
import { isOnTime } from '../../domain/deadline.ts';
import { announcesChanges } from '../../domain/addenda.ts';
import { ReasonField } from '../../views/addenda.tsx';
import { AppError } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import { ownProposalView, proposalPriceInput, setProposalPrice, withdrawProposal, assertAcceptingProposals } from '../../services/proposals.ts';
import { findRfi, openRfiFor, ownRfiResponse, rfiAnswerInput, rfiInput, saveRfiResponse, setRfi, submittedRfiResponses } from '../../services/rfi.ts';
import { receiveVendorFile } from '../../services/vendor-files.ts';
import { submissionBarrier } from '../../services/qualification.ts';
import { QualificationNotice } from '../../views/qualification.tsx';
import { scheduleChangeList } from '../../services/schedule.ts';
import { ScheduleChanges } from '../../views/schedule-views.tsx';
import { FileTable } from '../../views/files.tsx';
import { dateTime, fromLocalInput, toLocalInput, yen } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, type FieldErrors, FieldError, invalid, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldErrors, fieldList, decimalField, formError, integerField, isFormError, moreBlankRows, readForm } from './form.ts';
import { BackToCase } from '../../views/case-views.tsx';
import { issueAfterEvent } from '../../services/issued-documents.ts';
import { AddRowsButton } from '../../views/add-rows.tsx';

const kindLabels: Record<RfiQuestion['kind'], string> = { text: '文章', number: '数値', yesno: 'はい／いいえ', choice: '選択', price: '金額（円・税抜）' };

function answerText(q: RfiQuestion, value: unknown): string {
  if (value === undefined || value === '') return '—';
  if (q.kind === 'yesno') return value ? 'はい' : 'いいえ';
  if (q.kind === 'price' && typeof value === 'number') return yen(value);
  return String(value);
}

/** What the person had typed, shown again when a post is refused so that nothing typed is lost. */
interface Posted {
  /** The deadline as typed (a datetime-local value) and the questions as read from the form. */
  rfi?: { deadline: string; questions: ReturnType<typeof questionsFromForm>; reason?: string; blanks?: number };
  /** Each refused field's message, by the path the schema gives it ('deadline', 'questions.0.text') */
  fields?: FieldErrors;
  /** Each answer's text as typed, by question code: a mistyped number comes back as it was typed. */
  answers?: Record<string, string>;
}

function RfiSetup({ caseId, rfi, posted, published, fields }: { caseId: string; rfi: Awaited<ReturnType<typeof findRfi>>; posted?: Posted['rfi'] | undefined; published: boolean; fields?: FieldErrors | undefined }) {
  const blanks = posted?.blanks ?? 3;
  const rows: (Pick<RfiQuestion, 'code' | 'text' | 'choices'> & { kind: string } | null)[] = [...(posted?.questions ?? rfi?.questions ?? []), ...Array.from({ length: blanks }, () => null)];
  const cell = (i: number, key: string, id: string) => ({ id, ...invalid(fields, `questions.${i}.${key}`, id) });
  return (
    <form method="post" action={`/cases/${caseId}/rfi`} class="card">
      <h2>質問の設定</h2>
      <label for="rfi-deadline">回答期限（日本時間）</label>
      <input id="rfi-deadline" name="deadline" type="datetime-local" required value={posted ? posted.deadline : toLocalInput(rfi?.deadline)} {...invalid(fields, 'deadline', 'rfi-deadline')} />
      <FieldError fields={fields} path="deadline" id="rfi-deadline" />
      <div class="table-wrap">
      <table class="rows">
        <caption>質問（質問文を空にした行は削除されます。コードは空欄なら自動で付きます）</caption>
        <thead>
          <tr>
            <th scope="col">コード（任意）</th>
            <th scope="col">種類</th>
            <th scope="col">質問文</th>
            <th scope="col">選択肢（読点区切り）</th>
          </tr>
        </thead>
        <tbody id="rfi-rows">
          {rows.map((q, i) => (
            <tr>
              <td>
                <input type="text" name="code" value={q?.code ?? ''} aria-label={`${i + 1}問目のコード`} {...cell(i, 'code', `q-code-${i}`)} />
                <FieldError fields={fields} path={`questions.${i}.code`} id={`q-code-${i}`} />
              </td>
              <td>
                <select name="kind" aria-label={`${i + 1}問目の種類`}>
                  {Object.entries(kindLabels).map(([k, label]) => (
                    <option value={k} selected={q?.kind === k}>
                      {label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input type="text" name="text" value={q?.text ?? ''} aria-label={`${i + 1}問目の質問文`} {...cell(i, 'text', `q-text-${i}`)} />
                <FieldError fields={fields} path={`questions.${i}.text`} id={`q-text-${i}`} />
              </td>
              <td>
                <input type="text" name="choices" value={(q?.choices ?? []).join('、')} aria-label={`${i + 1}問目の選択肢`} {...cell(i, 'choices', `q-choices-${i}`)} />
                <FieldError fields={fields} path={`questions.${i}.choices`} id={`q-choices-${i}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <FieldError fields={fields} path="questions" id="rfi-rows" />
      <AddRowsButton rowsId="rfi-rows" blanks={blanks} />
      <ReasonField id="rfi-reason" value={posted?.reason} published={published} fields={fields} />
      <button class="primary" type="submit">
        情報提供依頼を保存
      </button>
      <script src="/assets/rows.js" defer />
    </form>
  );
}

/** One answer field; `value` is the saved answer, or the text typed into a refused post. */
function AnswerInput({ q, value }: { q: RfiQuestion; value: unknown }) {
  const id = `ans-${q.code}`;
  const name = `ans_${q.code}`;
  switch (q.kind) {
    case 'text':
      return <textarea id={id} name={name} rows={4}>{typeof value === 'string' ? value : ''}</textarea>;
    case 'yesno':
      return (
        <select id={id} name={name}>
          <option value="">（未回答）</option>
          <option value="yes" selected={value === true || value === 'yes'}>
            はい
          </option>
          <option value="no" selected={value === false || value === 'no'}>
            いいえ
          </option>
        </select>
      );
    case 'choice':
      return (
        <select id={id} name={name}>
          <option value="">（未回答）</option>
          {(q.choices ?? []).map((choice) => (
            <option value={choice} selected={value === choice}>
              {choice}
            </option>
          ))}
        </select>
      );
    default:
      return <input id={id} name={name} type="text" inputmode={q.kind === 'price' ? 'numeric' : 'decimal'} value={value === undefined ? '' : String(value)} />;
  }
}

function answersFromForm(form: Form, questions: RfiQuestion[]) {
  const answers: Record<string, string | number | boolean> = {};
  for (const q of questions) {
    const raw = field(form, `ans_${q.code}`).trim();
    if (raw === '') continue;
    if (q.kind === 'yesno') answers[q.code] = raw === 'yes';
    else if (q.kind === 'price') answers[q.code] = integerField(form, `ans_${q.code}`) ?? Number.NaN;
    else if (q.kind === 'number') answers[q.code] = decimalField(form, `ans_${q.code}`) ?? Number.NaN;
    else answers[q.code] = raw;
  }
  return answers;
}

/** The answers as typed, by question code, to show again if the post is refused. */
function typedAnswers(form: Form): Record<string, string> {
  return Object.fromEntries(Object.keys(form).flatMap((name) => (name.startsWith('ans_') ? [[name.slice(4), field(form, name)]] : [])));
}

async function rfiPage(c: Ctx, caseId: string, error?: string, posted: Posted = {}) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'vendor');
  const rfi = await findRfi(dbOf(c), row.id);
  const now = nowOf(c);
  const done = c.req.query('done');
  if (user.role === 'secretariat') {
    return renderPage(
      c,
      <Layout title={`情報提供依頼 | ${row.title}`} user={user}>
        <BackToCase row={row} />
        <h1>情報提供依頼（RFI）</h1>
        <SuccessBox message={done ? '情報提供依頼を保存しました。' : undefined} />
        <ErrorBox message={error} />
        {rfi ? (
          <p>
            <a href={`/cases/${row.id}/rfi/responses`}>回答の比較（事業者別）を見る</a>
          </p>
        ) : null}
        <RfiSetup caseId={row.id} rfi={rfi} posted={posted.rfi} published={announcesChanges(row)} fields={posted.fields} />
      </Layout>,
      error ? 400 : 200,
    );
  }
  if (!rfi) throw new AppError('not_found', 'この案件には情報提供依頼がありません。');
  const own = await ownRfiResponse(dbOf(c), row.id, user.vendorId!);
  const attachments = (await vendorFiles(dbOf(c), row.id, user.vendorId!, 'rfi')).map(fileView);
  const open = isOnTime(now, rfi.deadline) && row.state !== 'cancelled';
  return renderPage(
    c,
    <Layout title={`情報提供依頼 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>情報提供依頼（RFI）への回答</h1>
      <SuccessBox message={done === 'submit' ? '回答を提出しました。期限までは修正できます。' : done === 'draft' ? '一時保存しました（まだ提出していません）。' : done === 'file' ? '添付ファイルを受け付けました。' : undefined} />
      <ErrorBox message={error} />
      <p>
        回答期限: {dateTime(rfi.deadline)}
        {open ? '' : '（締め切りました）'}／ 状態: {own?.status === 'submitted' ? `提出済み（${dateTime(own.submittedAt)}）` : own ? '一時保存中（未提出）' : '未回答'}
      </p>
      <form method="post" action={`/cases/${row.id}/rfi/answer`} class="card">
        {rfi.questions.map((q) => (
          <div>
            <label for={`ans-${q.code}`}>
              {q.text}（{kindLabels[q.kind]}）
            </label>
            <AnswerInput q={q} value={posted.answers ? posted.answers[q.code] : own?.answers[q.code]} />
          </div>
        ))}
        {open ? (
          <div class="actions">
            <button class="secondary" type="submit" name="action" value="draft">
              一時保存
            </button>
            <button class="primary" type="submit" name="action" value="submit">
              提出
            </button>
          </div>
        ) : null}
      </form>
      <section class="card" aria-labelledby="rfi-files">
        <h2 id="rfi-files">添付ファイル</h2>
        <FileTable files={attachments} caption="受け付けた添付ファイル" />
        {open ? (
          <form method="post" action={`/cases/${row.id}/rfi/upload`} enctype="multipart/form-data">
            <label for="rfi-file">ファイル（PDF・Word・Excel・PowerPoint・ZIP）</label>
            <input id="rfi-file" name="file" type="file" required accept=".pdf,.docx,.xlsx,.pptx,.zip,.doc,.xls,.ppt" />
            <button class="secondary" type="submit">
              添付する
            </button>
          </form>
        ) : null}
      </section>
    </Layout>,
    error ? 400 : 200,
  );
}

async function comparisonPage(c: Ctx, caseId: string) {
  const { user, row } = await loadCase(c, caseId, 'secretariat');
  const { rfi, responses, priceStats } = await submittedRfiResponses(dbOf(c), row);
  return renderPage(
    c,
    <Layout title={`RFI回答の比較 | ${row.title}`} user={user}>
      <p>
        <a href={`/cases/${row.id}/rfi`}>情報提供依頼へ戻る</a>
      </p>
      <h1>RFI回答の比較</h1>
      <p>
        提出済み {responses.length} 社（一時保存中の回答は表示されません）。
        <a href={`/api/cases/${row.id}/rfi/responses.csv`} download>
          CSVでダウンロード（Excel用）
        </a>
      </p>
      <div class="table-wrap">
        <table>
          <caption>質問 × 事業者</caption>
          <thead>
            <tr>
              <th scope="col">質問</th>
              {responses.map((r) => (
                <th scope="col">{r.vendorName}</th>
              ))}
              <th scope="col">件数・最低・中央値・最高</th>
            </tr>
          </thead>
          <tbody>
            {(rfi?.questions ?? []).map((q) => {
              const stats = priceStats[q.code];
              return (
                <tr>
                  <th scope="row">{q.text}</th>
                  {responses.map((r) => (
                    <td class={q.kind === 'price' || q.kind === 'number' ? 'num' : 'prewrap'}>{answerText(q, r.answers[q.code])}</td>
                  ))}
                  <td>{stats ? `${stats.count}件・${yen(stats.min)}・${yen(stats.median)}・${yen(stats.max)}` : '—'}</td>
                </tr>
              );
            })}
            <tr>
              <th scope="row">提出日時</th>
              {responses.map((r) => (
                <td>{dateTime(r.submittedAt)}</td>
              ))}
              <td />
            </tr>
            <tr>
              <th scope="row">添付ファイル</th>
              {responses.map((r) => (
                <td>
                  {r.files.map((f) => (
                    <div>
                      <a href={`/api/files/${f.id}`}>{f.name}</a>
                    </div>
                  ))}
                </td>
              ))}
              <td />
            </tr>
          </tbody>
        </table>
      </div>
    </Layout>,
  );
}

async function submitPage(c: Ctx, caseId: string, error?: string, status: ContentfulStatusCode = 400) {
  const { user, row } = await loadCase(c, caseId, 'vendor');
  const own = await ownProposalView(dbOf(c), row, user.vendorId!);
  const changes = await scheduleChangeList(dbOf(c), row.id);
  const now = nowOf(c);
  const barrier = await submissionBarrier(dbOf(c), user.consortiumId, user.vendorId!);
  const open = row.state === 'open' && isOnTime(now, row.submissionDeadline) && !own.withdrawn && (row.method === 'proposal' || row.method === 'comprehensive') && !barrier;
  const done = c.req.query('done');
  const maxMb = Math.floor(c.get('deps').config.maxUploadBytes / 1024 / 1024);
  return renderPage(
    c,
    <Layout title={`提案書の提出 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>提案書の提出</h1>
      <SuccessBox
        message={done === 'file' ? 'ファイルを受け付けました。下の一覧の受付日時と SHA-256 が受付の記録です。' : done === 'price' ? '提案価格を保存しました。' : done === 'withdrawn' ? '辞退を受け付けました。' : undefined}
      />
      <ErrorBox message={error} />
      <QualificationNotice standing={barrier} />
      <p>
        提出期限: {dateTime(row.submissionDeadline)}
        {own.withdrawn ? '（辞退済み）' : open ? '' : '（現在は受け付けていません）'}
      </p>
      <ScheduleChanges changes={changes} />
      <section class="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">ファイルの提出</h2>
        {open ? (
          <form
            method="post"
            action={`/cases/${row.id}/submit/upload`}
            enctype="multipart/form-data"
            data-upload-api={`/api/cases/${row.id}/proposal/files`}
            data-done={`/cases/${row.id}/submit?done=file`}
          >
            <label for="proposal-file">ファイル（PDF・Word・Excel・PowerPoint・ZIP、{maxMb} MB まで）</label>
            <input id="proposal-file" name="file" type="file" required accept=".pdf,.docx,.xlsx,.pptx,.zip,.doc,.xls,.ppt" />
            <progress id="upload-progress" hidden value={0} max={100} aria-label="送信の進み具合" />
            <p id="upload-status" role="status" aria-live="polite" />
            <button class="primary" type="submit">
              送信する
            </button>
          </form>
        ) : (
          <p class="muted">現在、ファイルは受け付けていません。</p>
        )}
        <FileTable files={own.files} caption="受け付けたファイル" receipts />
        <p class="muted">受付票の SHA-256 は、手元のファイルで確認できます（Windows: certutil -hashfile ファイル名 SHA256）。</p>
      </section>
      <section class="card" aria-labelledby="price-heading">
        <h2 id="price-heading">提案価格</h2>
        <p>現在の提案価格: {own.price === null ? '未登録' : `${yen(own.price)}（税抜）`}</p>
        {open ? (
          <form method="post" action={`/cases/${row.id}/submit/price`}>
            <label for="price">提案価格（円・税抜）</label>
            <input id="price" name="price" type="text" inputmode="numeric" required value={own.price === null ? '' : String(own.price)} />
            <button class="primary" type="submit">
              保存する
            </button>
          </form>
        ) : null}
      </section>
      {open ? (
        <section class="card" aria-labelledby="withdraw-heading">
          <h2 id="withdraw-heading">辞退</h2>
          <form method="post" action={`/cases/${row.id}/submit/withdraw`}>
            <label for="reason">辞退の理由（任意）</label>
            <input id="reason" name="reason" type="text" />
            <label class="checkbox">
              <input type="checkbox" name="confirm" required />
              辞退すると、この案件に提案できなくなることを確認しました
            </label>
            <button class="secondary" type="submit">
              辞退する
            </button>
          </form>
        </section>
      ) : null}
      <script src="/assets/upload.js" defer />
    </Layout>,
    error ? status : 200,
  );
}

function questionsFromForm(form: Form) {
  const list = (name: string) => fieldList(form, name);
  const codes = list('code');
  const kinds = list('kind');
  const choices = list('choices');
  return list('text').flatMap((text, i) =>
    text === ''
      ? []
      : [
          {
            code: codes[i] ?? '',
            kind: kinds[i] ?? 'text',
            text,
            ...(kinds[i] === 'choice' ? { choices: (choices[i] ?? '').split(/[、,，]/).map((s) => s.trim()).filter(Boolean) } : {}),
          },
        ],
  );
}

export const vendorWorkPages = new Hono<AppEnv>()
  .get('/cases/:id/rfi', (c) => rfiPage(c, c.req.param('id')))
  .post('/cases/:id/rfi', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    const typed = { deadline: field(form, 'deadline'), questions: questionsFromForm(form), reason: field(form, 'reason') };
    // 「行を追加」 without a script: the questions typed so far come back with three more blank rows, nothing saved
    if (field(form, 'addRows') !== '') return rfiPage(c, row.id, undefined, { rfi: { ...typed, blanks: moreBlankRows(form) } });
    try {
      await setRfi(c, row, parseWith(rfiInput, { deadline: fromLocalInput(typed.deadline), questions: typed.questions, ...(typed.reason.trim() === '' ? {} : { reason: typed.reason }) }));
      await issueAfterEvent(c, row, 'specChange');
      return c.redirect(`/cases/${row.id}/rfi?done=1`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return rfiPage(c, row.id, formError(err), { rfi: typed, fields: fieldErrors(err) });
    }
  })
  .post('/cases/:id/rfi/answer', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const form = await readForm(c);
    try {
      const rfi = await openRfiFor(c, row);
      const submit = field(form, 'action') === 'submit';
      await saveRfiResponse(c, row, user.vendorId!, parseWith(rfiAnswerInput, { answers: answersFromForm(form, rfi.questions), submit }));
      return c.redirect(`/cases/${row.id}/rfi?done=${submit ? 'submit' : 'draft'}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return rfiPage(c, row.id, formError(err), { answers: typedAnswers(form) });
    }
  })
  .post('/cases/:id/rfi/upload', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    try {
      const rfi = await openRfiFor(c, row);
      await receiveVendorFile(c, user as typeof user & { vendorId: string }, row, 'rfi', rfi.deadline);
      return c.redirect(`/cases/${row.id}/rfi?done=file`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return rfiPage(c, row.id, formError(err));
    }
  })
  .get('/cases/:id/rfi/responses', (c) => comparisonPage(c, c.req.param('id')))
  .get('/cases/:id/submit', (c) => submitPage(c, c.req.param('id')))
  .post('/cases/:id/submit/upload', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    try {
      await assertAcceptingProposals(c, row, user.vendorId!);
      const file = await receiveVendorFile(c, user as typeof user & { vendorId: string }, row, 'proposal', row.submissionDeadline, (tx) =>
        assertAcceptingProposals(c, row, user.vendorId!, tx),
      );
      return c.redirect(`/cases/${row.id}/submit?done=file&file=${file.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return submitPage(c, row.id, formError(err), err.status);
    }
  })
  .post('/cases/:id/submit/price', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const form = await readForm(c);
    try {
      const { price } = parseWith(proposalPriceInput, { price: integerField(form, 'price') });
      await setProposalPrice(c, row, user.vendorId!, price);
      return c.redirect(`/cases/${row.id}/submit?done=price`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return submitPage(c, row.id, formError(err), err.status);
    }
  })
  .post('/cases/:id/submit/withdraw', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'vendor');
    const form = await readForm(c);
    try {
      if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', '辞退の確認にチェックを入れてください。');
      await withdrawProposal(c, row, user.vendorId!, field(form, 'reason') || undefined);
      return c.redirect(`/cases/${row.id}/submit?done=withdrawn`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return submitPage(c, row.id, formError(err), err.status);
    }
  });
