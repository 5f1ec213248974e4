import { Hono } from 'hono';
import type { AppEnv, Ctx, SessionUser } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import type { CaseRow } from '../../db/cases.ts';
import { questionRefusal, questionStatusLabels } from '../../domain/questions.ts';
import { AppError } from '../../errors.ts';
import { parseWith } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import { issueAfterEvent, latestIssuedInfo } from '../../services/issued-documents.ts';
import { submissionBarrier } from '../../services/qualification.ts';
import {
  answerQuestion,
  askQuestion,
  ownUnpublishedQuestions,
  publishAnswers,
  publishedQuestions,
  questionAnswerInput,
  questionInput,
  questionsWithAskers,
} from '../../services/questions.ts';
import { dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, FieldError, type FieldErrors, SuccessBox, invalid } from '../../views/messages.tsx';
import { QualificationNotice } from '../../views/qualification.tsx';
import { PublishedQuestions } from '../../views/questions.tsx';
import { renderPage } from '../../views/render.ts';
import { BackToCase } from '../../views/case-views.tsx';
import { type Form, field, formPost } from './form.ts';

const done: Record<string, string> = {
  asked: '質問を提出しました。回答は、事務局が公表したときにこの画面に掲載されます（質問者の名前は公表されません）。',
  answered: '回答を保存しました。「回答を公表する」で全事業者と公開ページに公表します。',
  published: '回答を公表しました。質問回答書を発行しました。',
  unissued: '回答を公表しました。質問回答書は発行できませんでした。案件の画面の「発行済みの文書」から発行し直してください。',
};

/** A textarea's text with the browser's CRLF line ends as stored (LF), so an unchanged text compares equal. */
const lines = (text: string) => text.replace(/\r\n?/g, '\n');

/** Where a refused form goes back to, with what was typed. */
interface Problem {
  error: string;
  /** the form it came from: 'ask', 'publish', or a question's id */
  at: string;
  form: Form;
  /** the message of each refused field */
  fields?: FieldErrors;
}

/** Why the case does not take a question now, as the asker is told. */
function closedReason(row: CaseRow, now: Date): string | null {
  const refusal = questionRefusal(row.state, row.questionDeadline, now);
  if (refusal === 'not_published') return 'この案件は現在、質問を受け付けていません。';
  if (refusal === 'no_deadline') return '質問受付期限が設定されていないため、まだ質問を受け付けていません。';
  if (refusal === 'late') return '質問受付期限を過ぎたため、質問の受付は終了しました。';
  return null;
}

function AskForm({ row, problem }: { row: CaseRow; problem: Problem | undefined }) {
  const typed = problem?.at === 'ask' ? problem.form : undefined;
  const fields = problem?.at === 'ask' ? problem.fields : undefined;
  return (
    <form method="post" action={`/cases/${row.id}/questions`} class="card">
      <h2 id="ask-heading">質問の提出</h2>
      {problem?.at === 'ask' ? <ErrorBox message={problem.error} /> : null}
      <p>
        質問受付期限: <strong>{dateTime(row.questionDeadline)}</strong>
      </p>
      <p class="muted">質問と回答は、質問者の名前を伏せて全事業者と公開ページに公表します。回答は仕様書等と一体のものとして取り扱います。</p>
      <label for="question-section">該当箇所（任意）</label>
      <input id="question-section" name="section" type="text" maxlength={200} value={typed ? field(typed, 'section') : ''} {...invalid(fields, 'section', 'question-section', 'question-section-help')} />
      <FieldError fields={fields} path="section" id="question-section" />
      <p id="question-section-help" class="muted">
        例: 仕様書 第3 2(1)
      </p>
      <label for="question-text">質問</label>
      <textarea id="question-text" name="text" rows={5} required {...invalid(fields, 'text', 'question-text')}>
        {typed ? field(typed, 'text') : ''}
      </textarea>
      <FieldError fields={fields} path="text" id="question-text" />
      <button class="primary" type="submit">
        質問を提出する
      </button>
    </form>
  );
}

type Asked = Awaited<ReturnType<typeof questionsWithAskers>>[number];

function AnswerCard({ row, q, problem }: { row: CaseRow; q: Asked; problem: Problem | undefined }) {
  const typed = problem?.at === q.id ? problem.form : undefined;
  const fields = problem?.at === q.id ? problem.fields : undefined;
  const editable = row.state !== 'cancelled' && row.state !== 'awarded';
  return (
    <div class="card" id={`question-${q.no}`}>
      <h3>
        質問{q.no}　<span class="badge">{questionStatusLabels[q.status]}</span>
      </h3>
      <p class="muted">
        {q.asker.kind === 'vendor' ? '事業者' : '参加団体'}: {q.asker.name}（{q.askedByName}） ／ 受付 {dateTime(q.askedAt)}
        {q.publishedAt ? ` ／ 公表 ${dateTime(q.publishedAt)}` : ''}
      </p>
      <p>該当箇所: {q.section ?? '—'}</p>
      <p class="prewrap">{q.text}</p>
      {problem?.at === q.id ? <ErrorBox message={problem.error} /> : null}
      {editable ? (
        <form method="post" action={`/cases/${row.id}/questions/${q.id}/answer`}>
          <label for={`answer-${q.id}`}>回答</label>
          <textarea id={`answer-${q.id}`} name="answer" rows={4} required {...invalid(fields, 'answer', `answer-${q.id}`)}>
            {typed ? field(typed, 'answer') : (q.answer ?? '')}
          </textarea>
          <FieldError fields={fields} path="answer" id={`answer-${q.id}`} />
          <label for={`published-${q.id}`}>公表用の質問文</label>
          <textarea id={`published-${q.id}`} name="publishedText" rows={3} {...invalid(fields, 'publishedText', `published-${q.id}`, `published-${q.id}-help`)}>
            {typed ? field(typed, 'publishedText') : q.question}
          </textarea>
          <FieldError fields={fields} path="publishedText" id={`published-${q.id}`} />
          <p id={`published-${q.id}-help`} class="muted">
            質問者が分かる記載（社名・製品名など）を除いて公表します。空欄にすると質問の原文のまま公表します。
            {q.status === 'published' ? ' 公表済みの回答を変更すると公表が取り消され、改めて公表すると質問回答書の新しい版を発行します。' : ''}
          </p>
          <button class="secondary" type="submit">
            回答を保存
          </button>
        </form>
      ) : q.answer ? (
        <p class="prewrap">回答: {q.answer}</p>
      ) : null}
    </div>
  );
}

async function questionsPage(c: Ctx, caseId: string, problem?: Problem) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member', 'evaluator', 'vendor');
  const db = dbOf(c);
  const now = nowOf(c);
  const published = await publishedQuestions(db, row.id);
  const issued = await latestIssuedInfo(db, row.id, 'question-answers');
  const closed = closedReason(row, now);
  const message = done[c.req.query('done') ?? ''];
  return renderPage(
    c,
    <Layout title={`質問と回答 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>質問と回答</h1>
      <SuccessBox message={message} />
      {problem && problem.at === 'page' ? <ErrorBox message={problem.error} /> : null}
      <p>
        質問受付期限: {row.questionDeadline ? dateTime(row.questionDeadline) : '未設定'}
        {closed && user.role !== 'secretariat' ? `（${closed}）` : ''}
      </p>
      {user.role === 'secretariat' ? await SecretariatPart({ c, row, problem }) : await AskerPart({ c, row, user, closed, problem })}
      <section aria-labelledby="published-heading">
        <h2 id="published-heading">公表した質問と回答（{published.length}件）</h2>
        {issued ? (
          <p>
            <a href={`/api/cases/${row.id}/documents/question-answers/${issued.version}.pdf`}>質問回答書（PDF、第{issued.version}版）</a> {issued.number}（{dateTime(issued.issuedAt)} 発行）
          </p>
        ) : null}
        <PublishedQuestions questions={published} />
      </section>
    </Layout>,
    problem ? 400 : 200,
  );
}

/** A vendor's or a body's part: the form while questions are taken, and its own questions not yet published. */
async function AskerPart({ c, row, user, closed, problem }: { c: Ctx; row: CaseRow; user: SessionUser; closed: string | null; problem: Problem | undefined }) {
  if (user.role === 'evaluator') return null;
  const own = await ownUnpublishedQuestions(dbOf(c), row.id, user);
  const barrier = user.role === 'vendor' && user.vendorId ? await submissionBarrier(dbOf(c), user.consortiumId!, user.vendorId) : null;
  return (
    <>
      {barrier ? <QualificationNotice standing={barrier} /> : closed ? null : <AskForm row={row} problem={problem} />}
      {closed && problem?.at === 'ask' ? <ErrorBox message={problem.error} /> : null}
      <section aria-labelledby="own-heading">
        <h2 id="own-heading">提出した質問（未公表）</h2>
        {own.length === 0 ? (
          <p class="muted">公表を待っている質問はありません。</p>
        ) : (
          <ul>
            {own.map((q) => (
              <li>
                <span class="badge">{q.status === 'pending' ? '回答待ち' : '回答の公表待ち'}</span> 質問{q.no}（{dateTime(q.askedAt)}）
                {q.section ? `　該当箇所: ${q.section}` : ''}
                <p class="prewrap">{q.question}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** The secretariat's part: every question with who asked and an answer form, and the publication. */
async function SecretariatPart({ c, row, problem }: { c: Ctx; row: CaseRow; problem: Problem | undefined }) {
  const all = await questionsWithAskers(dbOf(c), row.id);
  const waiting = all.filter((q) => q.status === 'answered').length;
  const unanswered = all.filter((q) => q.status === 'pending').length;
  return (
    <>
      {row.questionDeadline ? null : (
        <p class="notice">
          質問受付期限は、<a href={`/cases/${row.id}`}>案件の画面</a>の「案件情報の編集」で設定します。設定するまで質問は受け付けません。
        </p>
      )}
      <section aria-labelledby="all-heading">
        <h2 id="all-heading">
          届いた質問（{all.length}件、未回答 {unanswered}件、公表待ち {waiting}件）
        </h2>
        {all.length === 0 ? <p class="muted">まだ質問はありません。</p> : null}
        {all.map((q) => (
          <AnswerCard row={row} q={q} problem={problem} />
        ))}
      </section>
      <section aria-labelledby="publish-heading">
        <h2 id="publish-heading">回答の公表</h2>
        {problem?.at === 'publish' ? <ErrorBox message={problem.error} /> : null}
        {waiting === 0 ? (
          <p class="muted">公表を待っている回答はありません。</p>
        ) : (
          <form method="post" action={`/cases/${row.id}/questions/publish`} class="card">
            <p>
              回答済みで未公表の{waiting}件を、公表用の質問文で全事業者・参加団体と公開ページに公表し、質問回答書を文書番号を付けて発行します。質問者の名前は公表しません。
            </p>
            <label class="checkbox">
              <input type="checkbox" name="confirm" required />
              公表用の質問文と回答を確認しました（公表すると関係者に通知されます）
            </label>
            <button class="primary" type="submit">
              回答を公表する
            </button>
          </form>
        )}
        {waiting > 0 ? (
          <p>
            <a href={`/api/cases/${row.id}/documents/question-answers.pdf?draft=1`}>質問回答書の案（PDF）</a>
          </p>
        ) : null}
      </section>
    </>
  );
}

export const questionPages = new Hono<AppEnv>()
  .get('/cases/:id/questions', (c) => questionsPage(c, c.req.param('id')))
  .post('/cases/:id/questions', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'member', 'vendor');
    return formPost(
      c,
      async (form) => {
        const section = field(form, 'section');
        await askQuestion(c, row, user, parseWith(questionInput, { text: lines(field(form, 'text')), ...(section.trim() === '' ? {} : { section }) }));
        return `/cases/${row.id}/questions?done=asked#own-heading`;
      },
      (error, form, fields) => questionsPage(c, row.id, { error, at: 'ask', form, fields }),
    );
  })
  .post('/cases/:id/questions/publish', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    return formPost(
      c,
      async (form) => {
        if (field(form, 'confirm') !== 'on') throw new AppError('validation_error', '公表用の質問文と回答を確認し、チェックを入れてください。');
        const publishedAt = nowOf(c);
        await publishAnswers(c, row);
        await issueAfterEvent(c, row, 'answersPublished');
        // the issue may fail on its own (a certificate that cannot sign): say so rather than claim it
        const issued = await latestIssuedInfo(dbOf(c), row.id, 'question-answers');
        const done = issued && issued.issuedAt.getTime() >= publishedAt.getTime() ? 'published' : 'unissued';
        return `/cases/${row.id}/questions?done=${done}#published-heading`;
      },
      (error, form) => questionsPage(c, row.id, { error, at: 'publish', form }),
    );
  })
  .post('/cases/:id/questions/:questionId/answer', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const questionId = c.req.param('questionId');
    return formPost(
      c,
      async (form) => {
        await answerQuestion(c, row, questionId, parseWith(questionAnswerInput, { answer: lines(field(form, 'answer')), publishedText: lines(field(form, 'publishedText')) }));
        return `/cases/${row.id}/questions?done=answered#all-heading`;
      },
      (error, form, fields) => questionsPage(c, row.id, { error, at: questionId, form, fields }),
    );
  });
