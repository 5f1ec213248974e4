import { Hono } from 'hono';
import { requireConsortiumRole } from '../../auth/session.ts';
import type { AppEnv, Ctx } from '../../context.ts';
import { dbOf, nowOf } from '../../context.ts';
import { type Intent, intentLabels, intents } from '../../domain/survey.ts';
import { parseWith } from '../../http/json.ts';
import {
  answerSurvey,
  createSurvey,
  listSurveys,
  loadSurvey,
  responseInput,
  resultsOf,
  surveyInput,
  surveyResponsesOf,
  surveyView,
} from '../../services/surveys.ts';
import { dateTime, fromLocalInput } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { ErrorBox, SuccessBox } from '../../views/messages.tsx';
import { renderPage } from '../../views/render.ts';
import { type Form, field, fieldList, formError, isFormError, readForm } from './form.ts';

async function surveyListPage(c: Ctx, error?: string, form?: Form) {
  const user = requireConsortiumRole(c, 'secretariat', 'member');
  const rows = await listSurveys(c);
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
            <input id="s-title" name="title" type="text" required value={v('title')} />
            <label for="s-candidates">候補（1行に「コード,名称」）</label>
            <textarea id="s-candidates" name="candidates" rows={4} required aria-describedby="s-candidates-help">
              {v('candidates')}
            </textarea>
            <p id="s-candidates-help" class="muted">
              例: docs,文書管理・電子決裁システム
            </p>
            <label for="s-points">順位ごとの点数（カンマ区切り）</label>
            <input id="s-points" name="points" type="text" value={v('points', '2,1')} />
            <label for="s-threshold">参加意向の基準（全団体に対する割合）</label>
            <input id="s-threshold" name="threshold" type="text" inputmode="decimal" value={v('threshold', '0.25')} />
            <label for="s-closes">締切</label>
            <input id="s-closes" name="closesAt" type="datetime-local" value={v('closesAt')} />
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

async function surveyPage(c: Ctx, id: string, error?: string, typed?: AnswerShown) {
  const { user, row } = await loadSurvey(c, id, 'secretariat', 'member');
  const view = surveyView(row, nowOf(c));
  const results = await resultsOf(dbOf(c), row);
  const saved = user.role === 'member' && !typed ? (await surveyResponsesOf(dbOf(c), row)).find((r) => r.response.memberId === user.memberId) : undefined;
  const shown: AnswerShown | undefined = typed ?? saved?.response;
  return renderPage(
    c,
    <Layout title={row.title} user={user}>
      <p>
        <a href="/surveys">意向調査の一覧</a>
      </p>
      <h1>{row.title}</h1>
      <ErrorBox message={error} />
      {c.req.query('done') ? <SuccessBox message="回答を保存しました。締切までは変更できます。" /> : null}
      <p>
        締切: {dateTime(row.closesAt)}
        {view.closed ? '（締め切りました）' : ''}／ 配点: {row.points.map((p, i) => `${i + 1}位 ${p}点`).join('、')}／ 参加意向の基準: 全団体の{(view.threshold * 100).toFixed(0)}%
      </p>
      <div class="table-wrap">
        <table>
          <caption>
            集計（全 {results.members} 団体中 {results.respondents} 団体が回答）
          </caption>
          <thead>
            <tr>
              <th scope="col">候補</th>
              <th scope="col" class="num">得点</th>
              <th scope="col" class="num">1位</th>
              {intents.map((i) => (
                <th scope="col" class="num">
                  {intentLabels[i]}
                </th>
              ))}
              <th scope="col">基準</th>
            </tr>
          </thead>
          <tbody>
            {results.results.map((r) => (
              <tr>
                <th scope="row">{r.name}</th>
                <td class="num">{r.points}</td>
                <td class="num">{r.firstChoices}</td>
                {intents.map((i) => (
                  <td class="num">{r.intents[i]}</td>
                ))}
                <td>{r.meetsThreshold ? `○（${(r.intendingShare * 100).toFixed(1)}%）` : `—（${(r.intendingShare * 100).toFixed(1)}%）`}</td>
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
          <button class="primary" type="submit">
            回答を保存
          </button>
        </form>
      ) : null}
    </Layout>,
    error ? 400 : 200,
  );
}

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
          const [code, ...name] = line.split(/[,，]/);
          return { code: (code ?? '').trim(), name: name.join(',').trim() };
        });
      const input = parseWith(surveyInput, {
        title: field(form, 'title'),
        candidates,
        points: field(form, 'points').split(/[,，\s]+/).filter(Boolean).map(Number),
        threshold: Number(field(form, 'threshold') || '0.25'),
        closesAt: fromLocalInput(field(form, 'closesAt')),
      });
      const row = await createSurvey(c, input);
      return c.redirect(`/surveys/${row.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      return surveyListPage(c, formError(err), form);
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
      return surveyPage(c, id, formError(err), { ranking: places, intents: chosen });
    }
  });
