import { Hono } from 'hono';
import { type AppEnv, dbOf } from '../../context.ts';
import { readJson } from '../../http/json.ts';
import { loadCase } from '../../services/case-access.ts';
import { documentTitles, issueAfterEvent, latestIssuedInfo } from '../../services/issued-documents.ts';
import { answerQuestion, askQuestion, publishAnswers, questionAnswerInput, questionInput, questionsFor, questionsWithAskers } from '../../services/questions.ts';

export const questionRoutes = new Hono<AppEnv>()
  .get('/cases/:id/questions', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'secretariat', 'member', 'evaluator', 'vendor');
    return c.json(await questionsFor(dbOf(c), row, user));
  })
  .post('/cases/:id/questions', async (c) => {
    const { user, row } = await loadCase(c, c.req.param('id'), 'member', 'vendor');
    const input = await readJson(c, questionInput);
    const saved = await askQuestion(c, row, user, input);
    // the asker's own view: its question as asked, without an answer until it is published to everyone
    return c.json({ question: { id: saved.id, no: saved.seq, section: saved.section, question: saved.text, mine: true, status: 'pending' as const, askedAt: saved.createdAt.toISOString() } }, 201);
  })
  .post('/cases/:id/questions/publish', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const count = await publishAnswers(c, row);
    // issued after the publication has committed (the issue is a record of its own)
    await issueAfterEvent(c, row, 'answersPublished');
    const d = await latestIssuedInfo(dbOf(c), row.id, 'question-answers');
    const document = d
      ? { kind: d.kind, title: documentTitles[d.kind], version: d.version, number: d.number, issuedAt: d.issuedAt.toISOString(), sha256: d.sha256, url: `/api/cases/${row.id}/documents/${d.kind}/${d.version}.pdf` }
      : null;
    return c.json({ published: count, document });
  })
  .put('/cases/:id/questions/:questionId', async (c) => {
    const { row } = await loadCase(c, c.req.param('id'), 'secretariat');
    const input = await readJson(c, questionAnswerInput);
    const saved = await answerQuestion(c, row, c.req.param('questionId'), input);
    const [one] = (await questionsWithAskers(dbOf(c), row.id)).filter((q) => q.id === saved.id);
    return c.json({ question: one });
  });
