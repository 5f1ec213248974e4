import { Hono } from 'hono';
import type { SpecRequirement, SpecSection } from '../../../schema/index.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { parseWith } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import { addComment, answerComment, answerInput, commentInput, commentView, commentsOf, currentSpec, saveSpec, specInput, specVersionsOf } from '../../services/spec.ts';
import { dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldList, formError, isFormError, readForm } from './form.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';
import { announcesChanges } from '../../domain/addenda.ts';
import { ReasonField } from '../../views/addenda.tsx';

/** What the person had typed, shown again when a post is refused so that nothing typed is lost. */
interface Posted {
  spec?: ReturnType<typeof specFromForm>;
  comment?: { section: string; text: string };
}

async function specPage(c: Ctx, caseId: string, error?: string, posted: Posted = {}) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
  const db = dbOf(c);
  const spec = await currentSpec(db, row.id);
  const versions = await specVersionsOf(db, row.id);
  const comments = (await commentsOf(db, row.id)).map(commentView);
  const editing = posted.spec ?? spec;
  const sections: (SpecSection | null)[] = [...(editing?.sections ?? []), null, null];
  const requirements: (SpecRequirement | null)[] = [...(editing?.requirements ?? []), null, null, null];
  const done = c.req.query('done');
  const inquiryOpen = row.state === 'spec_review';
  return renderPage(
    c,
    <Layout title={`仕様書 | ${row.title}`} user={user}>
      <p>
        <a href={`/cases/${row.id}`}>案件「{row.title}」へ戻る</a>
      </p>
      <h1>仕様書{spec ? `（第${spec.version}版）` : ''}</h1>
      <SuccessBox message={{ saved: '仕様書を新しい版として保存しました。', comment: '意見を提出しました。', answer: '回答を保存しました。' }[done ?? '']} />
      <ErrorBox message={error} />
      <p>
        <a href={`/api/cases/${row.id}/documents/spec.pdf`}>仕様書をPDFでダウンロード</a>
        {comments.length > 0 ? (
          <>
            {' ／ '}
            <a href={`/api/cases/${row.id}/documents/comment-responses.pdf`}>意見対応表（PDF）</a>
          </>
        ) : null}
      </p>
      <p class="muted">
        {inquiryOpen ? '意見照会の期間中です。参加団体は現在の版に意見を提出できます。' : '意見照会は案件が「仕様書意見照会」のときに行います。'}
        {versions.length > 0 ? ` 保存された版: ${versions.map((v) => `第${v.version}版（${dateTime(v.createdAt)}）`).join('、')}` : ''}
      </p>
      {user.role === 'secretariat' ? (
        <form method="post" action={`/cases/${row.id}/spec`} class="card">
          <h2>仕様書の編集</h2>
          <p class="muted">保存するたびに新しい版になります。見出しを空にした章は削除されます。本文の改行は段落の区切りになります。</p>
          {sections.map((s, i) => (
            <fieldset>
              <legend>第{i + 1}章</legend>
              <label for={`heading-${i}`}>見出し</label>
              <input id={`heading-${i}`} name="heading" type="text" value={s?.heading ?? ''} />
              <label for={`body-${i}`}>本文</label>
              <textarea id={`body-${i}`} name="body" rows={5}>
                {s?.body ?? ''}
              </textarea>
            </fieldset>
          ))}
          <table>
            <caption>機能要件（要件を空にした行は削除されます）</caption>
            <thead>
              <tr>
                <th scope="col">番号</th>
                <th scope="col">要件</th>
                <th scope="col">区分</th>
              </tr>
            </thead>
            <tbody>
              {requirements.map((r, i) => (
                <tr>
                  <td>
                    <input type="text" name="req_code" value={r?.code ?? ''} aria-label={`${i + 1}行目の番号`} />
                  </td>
                  <td>
                    <input type="text" name="req_text" value={r?.text ?? ''} aria-label={`${i + 1}行目の要件`} />
                  </td>
                  <td>
                    <select name="req_level" aria-label={`${i + 1}行目の区分`}>
                      <option value="must" selected={r?.level !== 'want'}>
                        必須
                      </option>
                      <option value="want" selected={r?.level === 'want'}>
                        任意
                      </option>
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ReasonField id="spec-reason" value={posted.spec?.reason} published={announcesChanges(row)} />
          <button class="primary" type="submit">
            新しい版として保存
          </button>
        </form>
      ) : spec ? (
        <section class="card" aria-label="現在の仕様書案">
          {spec.sections.map((s) => (
            <>
              <h2>{s.heading}</h2>
              <p class="prewrap">{s.body}</p>
            </>
          ))}
        </section>
      ) : (
        <p class="muted">まだ仕様書案はありません。</p>
      )}
      {user.role === 'member' && inquiryOpen && spec ? (
        <form method="post" action={`/cases/${row.id}/spec/comments`} class="card">
          <h2>意見の提出（第{spec.version}版に対して）</h2>
          <label for="comment-section">章</label>
          <select id="comment-section" name="section">
            {spec.sections.map((s) => (
              <option value={s.heading} selected={posted.comment?.section === s.heading}>
                {s.heading}
              </option>
            ))}
          </select>
          <label for="comment-text">意見</label>
          <textarea id="comment-text" name="text" rows={4} required>
            {posted.comment?.text ?? ''}
          </textarea>
          <button class="primary" type="submit">
            意見を提出する
          </button>
        </form>
      ) : null}
      <section aria-labelledby="comments-heading">
        <h2 id="comments-heading">意見と対応（{comments.length}件）</h2>
        {comments.length === 0 ? <p class="muted">まだ意見はありません。</p> : null}
        {comments.map((cm) => (
          <div class="card">
            <p class="muted">
              第{cm.version}版「{cm.section}」への意見 ／ {cm.memberName} ／ {dateTime(cm.createdAt)}
            </p>
            <p class="prewrap">{cm.text}</p>
            {cm.response ? (
              <p>
                <strong>回答（{cm.reflected ? '反映した' : '反映しない'}）:</strong> {cm.response}
              </p>
            ) : (
              <p class="muted">未回答</p>
            )}
            {user.role === 'secretariat' ? (
              <form method="post" action={`/cases/${row.id}/spec/comments/${cm.id}`}>
                <label for={`response-${cm.id}`}>回答</label>
                <textarea id={`response-${cm.id}`} name="response" rows={2} required>
                  {cm.response ?? ''}
                </textarea>
                <label class="checkbox">
                  <input type="checkbox" name="reflected" checked={cm.reflected === true} />
                  仕様書に反映した
                </label>
                <button class="secondary" type="submit">
                  回答を保存
                </button>
              </form>
            ) : null}
          </div>
        ))}
      </section>
    </Layout>,
    error ? 400 : 200,
  );
}

function specFromForm(form: Form): { sections: SpecSection[]; requirements: SpecRequirement[]; reason: string } {
  const list = (name: string) => fieldList(form, name, { trim: false });
  const bodies = list('body');
  const codes = list('req_code');
  const levels = list('req_level');
  return {
    sections: list('heading').flatMap((heading, i) => (heading.trim() === '' ? [] : [{ heading: heading.trim(), body: (bodies[i] ?? '').replace(/\r\n/g, '\n') }])),
    requirements: list('req_text').flatMap((text, i) => (text.trim() === '' ? [] : [{ code: (codes[i] ?? '').trim(), text: text.trim(), level: levels[i] === 'want' ? ('want' as const) : ('must' as const) }])),
    reason: field(form, 'reason'),
  };
}

export const specPages = new Hono<AppEnv>()
  .get('/cases/:id/spec', (c) => specPage(c, c.req.param('id')))
  .post('/cases/:id/spec', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    const typed = specFromForm(form);
    try {
      const { reason, ...spec } = typed;
      await saveSpec(c, row, parseWith(specInput, { ...spec, ...(reason.trim() === '' ? {} : { reason }) }));
      await issueAfterEvent(c, row, 'specChange');
      return c.redirect(`/cases/${row.id}/spec?done=saved`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return specPage(c, row.id, formError(err), { spec: typed });
    }
  })
  .post('/cases/:id/spec/comments', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'member');
    const form = await readForm(c);
    const typed = { section: field(form, 'section'), text: field(form, 'text') };
    try {
      await addComment(c, row, user, parseWith(commentInput, typed));
      return c.redirect(`/cases/${row.id}/spec?done=comment`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return specPage(c, row.id, formError(err), { comment: typed });
    }
  })
  .post('/cases/:id/spec/comments/:commentId', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    try {
      await answerComment(c, row, c.req.param('commentId'), parseWith(answerInput, { response: field(form, 'response'), reflected: field(form, 'reflected') === 'on' }));
      await issueAfterEvent(c, row, 'commentAnswered');
      return c.redirect(`/cases/${row.id}/spec?done=answer`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return specPage(c, row.id, formError(err));
    }
  });

