import { Hono } from 'hono';
import type { SpecRequirement, SpecSection } from '../../../schema/index.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { parseWith } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import {
  type SpecVersionRow,
  addComment,
  answerComment,
  answerInput,
  commentInput,
  commentView,
  commentsOf,
  currentSpec,
  saveSpec,
  specInput,
  specPublishedTo,
  specVersionOf,
  specVersionsOf,
} from '../../services/spec.ts';
import type { SessionUser } from '../../context.ts';
import type { CaseRow } from '../../db/cases.ts';
import { notFound } from '../../errors.ts';
import { requirementPlace, specDiff } from '../../domain/spec-diff.ts';
import { RequirementTable, SpecDiffView, SpecSections, SpecVersionHistory } from '../../views/spec-views.tsx';
import { dateTime } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, type FieldErrors, FieldError, invalid, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldErrors, fieldList, formError, isFormError, moreBlankRows, readForm } from './form.ts';
import { issueAfterEvent } from '../../services/issued-documents.ts';
import { announcesChanges } from '../../domain/addenda.ts';
import { BackToCase } from '../../views/case-views.tsx';
import { ReasonField } from '../../views/addenda.tsx';
import { AddRowsButton } from '../../views/add-rows.tsx';

/** What the person had typed, shown again when a post is refused so that nothing typed is lost. */
interface Posted {
  spec?: ReturnType<typeof specFromForm>;
  comment?: { section: string; text: string };
  /** blank chapters and requirement rows to show (more after 「章を追加」「行を追加」) */
  blanks?: { sections: number; requirements: number };
  /** each refused field's message, by its schema path ('sections.0.heading', 'requirements.2.text') */
  fields?: FieldErrors;
}

/** The spec as a vendor or an evaluator reads it: the current version once the case is published as a notice. */
async function publishedSpecPage(c: Ctx, user: SessionUser, row: CaseRow) {
  const spec = specPublishedTo(row) ? await currentSpec(dbOf(c), row.id) : undefined;
  return renderPage(
    c,
    <Layout title={`仕様書 | ${row.title}`} user={user}>
      <BackToCase row={row} />
      <h1>仕様書{spec ? `（第${spec.version}版）` : ''}</h1>
      {spec ? (
        <>
          <p>
            <a href={`/api/cases/${row.id}/documents/spec.pdf`}>仕様書をPDFでダウンロード</a>
            {' ／ '}変更があったときは案件のページの「変更・追加」に理由とともに掲載します。
          </p>
          <section class="card" aria-label={`仕様書 第${spec.version}版`}>
            <SpecSections sections={spec.sections} />
            <RequirementTable requirements={spec.requirements} />
          </section>
        </>
      ) : (
        <p class="notice">仕様書は公告のときに公表します。</p>
      )}
    </Layout>,
  );
}

/** A summary of each saved version, for the version history. */
const versionSummaries = (versions: SpecVersionRow[]) => versions.map((v) => ({ version: v.version, createdAt: v.createdAt, sections: v.sections.length, requirements: v.requirements.length }));

async function specPage(c: Ctx, caseId: string, error?: string, posted: Posted = {}) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member', 'vendor', 'evaluator');
  if (user.role === 'vendor' || user.role === 'evaluator') return publishedSpecPage(c, user, row);
  const db = dbOf(c);
  const spec = await currentSpec(db, row.id);
  const versions = await specVersionsOf(db, row.id);
  const comments = (await commentsOf(db, row.id)).map(commentView);
  const editing = posted.spec ?? spec;
  const blanks = posted.blanks ?? { sections: 2, requirements: 3 };
  const sections: (SpecSection | null)[] = [...(editing?.sections ?? []), ...Array.from({ length: blanks.sections }, () => null)];
  const requirements: (SpecRequirement | null)[] = [...(editing?.requirements ?? []), ...Array.from({ length: blanks.requirements }, () => null)];
  const fields = posted.fields;
  const marked = (path: string, id: string) => ({ id, ...invalid(fields, path, id) });
  const done = c.req.query('done');
  const inquiryOpen = row.state === 'spec_review';
  return renderPage(
    c,
    <Layout title={`仕様書 | ${row.title}`} user={user}>
      <BackToCase row={row} />
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
        {inquiryOpen ? '意見照会の期間中です。参加団体は現在の版の章・機能要件に意見を提出できます。' : '意見照会は案件が「仕様書意見照会」のときに行います。'}
        {versions.length > 0 ? ' 保存された版は下の「版の履歴」から開けます。' : ''}
      </p>
      {user.role === 'secretariat' ? (
        <form method="post" action={`/cases/${row.id}/spec`} class="card">
          <h2>仕様書の編集</h2>
          <p class="muted">保存するたびに新しい版になります。見出しを空にした章は削除されます。本文の改行は段落の区切りになります。</p>
          {sections.map((s, i) => (
            <fieldset>
              <legend>第{i + 1}章</legend>
              <label for={`heading-${i}`}>見出し</label>
              <input name="heading" type="text" value={s?.heading ?? ''} {...marked(`sections.${i}.heading`, `heading-${i}`)} />
              <FieldError fields={fields} path={`sections.${i}.heading`} id={`heading-${i}`} />
              <label for={`body-${i}`}>本文</label>
              <textarea name="body" rows={5} {...marked(`sections.${i}.body`, `body-${i}`)}>
                {s?.body ?? ''}
              </textarea>
              <FieldError fields={fields} path={`sections.${i}.body`} id={`body-${i}`} />
            </fieldset>
          ))}
          <FieldError fields={fields} path="sections" id="spec-sections" />
          <input type="hidden" name="blankSections" value={String(blanks.sections)} />
          <p>
            <button class="secondary" type="submit" name="addSections" value="1" formnovalidate>
              章を追加
            </button>
          </p>
          <div class="table-wrap">
          <table class="rows">
            <caption>機能要件（要件を空にした行は削除されます）</caption>
            <thead>
              <tr>
                <th scope="col">番号</th>
                <th scope="col">要件</th>
                <th scope="col">区分</th>
              </tr>
            </thead>
            <tbody id="requirement-rows">
              {requirements.map((r, i) => (
                <tr>
                  <td>
                    <input type="text" name="req_code" value={r?.code ?? ''} aria-label={`${i + 1}行目の番号`} {...marked(`requirements.${i}.code`, `req-code-${i}`)} />
                    <FieldError fields={fields} path={`requirements.${i}.code`} id={`req-code-${i}`} />
                  </td>
                  <td>
                    <input type="text" name="req_text" value={r?.text ?? ''} aria-label={`${i + 1}行目の要件`} {...marked(`requirements.${i}.text`, `req-text-${i}`)} />
                    <FieldError fields={fields} path={`requirements.${i}.text`} id={`req-text-${i}`} />
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
          </div>
          <FieldError fields={fields} path="requirements" id="requirement-rows" />
          <AddRowsButton rowsId="requirement-rows" blanks={blanks.requirements} />
          <ReasonField id="spec-reason" value={posted.spec?.reason} published={announcesChanges(row)} fields={fields} />
          <button class="primary" type="submit">
            新しい版として保存
          </button>
          <script src="/assets/rows.js" defer />
        </form>
      ) : spec ? (
        <section class="card" aria-label="現在の仕様書案">
          <SpecSections sections={spec.sections} />
          <RequirementTable requirements={spec.requirements} />
        </section>
      ) : (
        <p class="muted">まだ仕様書案はありません。</p>
      )}
      {user.role === 'member' && inquiryOpen && spec ? (
        <form method="post" action={`/cases/${row.id}/spec/comments`} class="card">
          <h2>意見の提出（第{spec.version}版に対して）</h2>
          <label for="comment-section">該当箇所（章または機能要件）</label>
          <select id="comment-section" name="section">
            <optgroup label="章">
              {spec.sections.map((s) => (
                <option value={s.heading} selected={posted.comment?.section === s.heading}>
                  {s.heading}
                </option>
              ))}
            </optgroup>
            {spec.requirements.length > 0 ? (
              <optgroup label="機能要件">
                {spec.requirements.map((r) => (
                  <option value={requirementPlace(r.code)} selected={posted.comment?.section === requirementPlace(r.code)}>
                    {r.code} {r.text.length > 40 ? `${r.text.slice(0, 40)}…` : r.text}
                  </option>
                ))}
              </optgroup>
            ) : null}
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
      <SpecVersionHistory caseId={row.id} versions={versionSummaries(versions)} />
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

/** A version number from the address: a positive whole number, else 404 (as for a version that does not exist). */
function versionParam(value: string | undefined): number {
  const n = /^[1-9][0-9]{0,5}$/.test(value ?? '') ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw notFound('その版の仕様書はありません。');
  return n;
}

async function specVersionPage(c: Ctx, caseId: string, version: number) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
  const db = dbOf(c);
  const spec = await specVersionOf(db, row.id, version);
  if (!spec) throw notFound('その版の仕様書はありません。');
  const versions = await specVersionsOf(db, row.id);
  const latest = versions.at(-1)!.version;
  return renderPage(
    c,
    <Layout title={`仕様書 第${version}版 | ${row.title}`} user={user}>
      <p>
        <a href={`/cases/${row.id}/spec`}>仕様書（現行の版）へ戻る</a>
      </p>
      <h1>
        仕様書 第{version}版{version === latest ? '（現行）' : ''}
      </h1>
      <p class="muted">
        保存日時 {dateTime(spec.createdAt)}。{version === latest ? 'これが現行の版です。' : `現行は第${latest}版です。この版は変更されません。`}
        {version > 1 ? (
          <>
            {' '}
            <a href={`/cases/${row.id}/spec/diff?from=${version - 1}&to=${version}`}>第{version - 1}版との比較</a>
          </>
        ) : null}
        {version < latest ? (
          <>
            {' '}
            <a href={`/cases/${row.id}/spec/diff?from=${version}&to=${latest}`}>現行の版との比較</a>
          </>
        ) : null}
      </p>
      <section class="card" aria-label={`仕様書 第${version}版`}>
        <SpecSections sections={spec.sections} />
        <RequirementTable requirements={spec.requirements} />
      </section>
      <SpecVersionHistory caseId={row.id} versions={versionSummaries(versions)} current={version} />
    </Layout>,
  );
}

async function specDiffPage(c: Ctx, caseId: string) {
  const { user, row } = await loadCase(c, caseId, 'secretariat', 'member');
  const db = dbOf(c);
  const versions = await specVersionsOf(db, row.id);
  if (versions.length === 0) throw notFound('この案件にはまだ仕様書案がありません。');
  const latest = versions.at(-1)!.version;
  const from = c.req.query('from') === undefined ? Math.max(1, latest - 1) : versionParam(c.req.query('from'));
  const to = c.req.query('to') === undefined ? latest : versionParam(c.req.query('to'));
  const before = versions.find((v) => v.version === from);
  const after = versions.find((v) => v.version === to);
  if (!before || !after) throw notFound('その版の仕様書はありません。');
  return renderPage(
    c,
    <Layout title={`仕様書 第${from}版と第${to}版の比較 | ${row.title}`} user={user}>
      <p>
        <a href={`/cases/${row.id}/spec`}>仕様書（現行の版）へ戻る</a>
      </p>
      <h1>
        仕様書 <a href={`/cases/${row.id}/spec/versions/${from}`}>第{from}版</a>と<a href={`/cases/${row.id}/spec/versions/${to}`}>第{to}版</a>の比較
      </h1>
      <SpecDiffView diff={specDiff(before, after)} from={from} to={to} />
      <SpecVersionHistory caseId={row.id} versions={versionSummaries(versions)} />
    </Layout>,
  );
}

export const specPages = new Hono<AppEnv>()
  .get('/cases/:id/spec', (c) => specPage(c, c.req.param('id')))
  .get('/cases/:id/spec/versions/:version', (c) => specVersionPage(c, c.req.param('id'), versionParam(c.req.param('version'))))
  .get('/cases/:id/spec/diff', (c) => specDiffPage(c, c.req.param('id')))
  .post('/cases/:id/spec', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const form = await readForm(c);
    const typed = specFromForm(form);
    // 「章を追加」「行を追加」 without a script: what was typed comes back with more blank chapters or rows, nothing saved
    if (field(form, 'addSections') !== '' || field(form, 'addRows') !== '') {
      const addingChapter = field(form, 'addSections') !== '';
      const blanks = {
        sections: moreBlankRows(form, { name: 'blankSections', shown: 2, more: addingChapter ? 1 : 0 }),
        requirements: moreBlankRows(form, { more: addingChapter ? 0 : 3 }),
      };
      return specPage(c, row.id, undefined, { spec: typed, blanks });
    }
    try {
      const { reason, ...spec } = typed;
      await saveSpec(c, row, parseWith(specInput, { ...spec, ...(reason.trim() === '' ? {} : { reason }) }));
      await issueAfterEvent(c, row, 'specChange');
      return c.redirect(`/cases/${row.id}/spec?done=saved`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return specPage(c, row.id, formError(err), { spec: typed, fields: fieldErrors(err) });
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

