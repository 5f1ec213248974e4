import { caseMethodLabels, selectedPartyLabel } from '../../domain/methods.ts';
import { PublishedQuestions } from '../../views/questions.tsx';
import { Feed } from 'feed';
import { Hono } from 'hono';
import { escapeToBuffer } from 'hono/utils/html';
import type { AppEnv } from '../../context.ts';
import { dbOf } from '../../context.ts';
import { caseStateLabels } from '../../domain/lifecycle.ts';
import { publishedCases } from '../../services/ocds.ts';
import { headsSubtitle, publishedChainHeads } from '../../services/public-audit.ts';
import { AuditHeads } from '../../views/audit-heads.tsx';
import { Addenda } from '../../views/addenda.tsx';
import { NegotiatedGroundSummary } from '../../views/case-views.tsx';
import { dateTime, yen } from '../../views/format.ts';
import { Layout } from '../../views/layout.tsx';
import { renderPage } from '../../views/render.ts';
import { publicCase, publicDetail } from '../../services/public.ts';

/** Text as HTML that reads as that text (the same escaping the pages get from hono/jsx). */
function escapeHtml(text: string): string {
  const buffer: [string] = [''];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

export const publicPages = new Hono<AppEnv>()
  .get('/public', async (c) => {
    const rows = await publishedCases(dbOf(c));
    const years = [...new Set(rows.map((r) => r.row.fiscalYear))].sort().reverse();
    const heads = await publishedChainHeads(dbOf(c), c.get('deps').keys.audit);
    return renderPage(
      c,
      <Layout title="公開中の調達案件" user={c.get('user')}>
        <h1>公開中の調達案件</h1>
        <p>
          協議会が共同で調達する案件の公告と結果です。<a href="/public/feed.xml">新着案件のフィード（Atom）</a>
        </p>
        {rows.length === 0 ? (
          <p class="muted">公開中の案件はありません。</p>
        ) : (
          <div class="table-wrap">
            <table class="stack-narrow">
              <caption>案件の一覧（新しい順）</caption>
              <thead>
                <tr>
                  <th scope="col">件名</th>
                  <th scope="col">協議会</th>
                  <th scope="col">年度</th>
                  <th scope="col">調達方式</th>
                  <th scope="col">状態</th>
                  <th scope="col">公告日</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ row, consortiumName }) => (
                  <tr>
                    <th scope="row">
                      <a href={`/public/cases/${row.id}`}>{row.title}</a>
                    </th>
                    <td data-label="協議会">{consortiumName}</td>
                    <td data-label="年度">{row.fiscalYear}</td>
                    <td data-label="調達方式">{caseMethodLabels[row.method]}</td>
                    <td data-label="状態">{caseStateLabels[row.state]}</td>
                    <td data-label="公告日">{dateTime(row.publishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {years.length > 0 ? (
          <section aria-labelledby="open-data">
            <h2 id="open-data">オープンデータ</h2>
            <ul>
              {years.map((y) => (
                <li>
                  {y}年度: <a href={`/api/public/export/${y}/ocds.json`}>OCDS（JSON）</a> ／ <a href={`/api/public/export/${y}/cases.csv`}>案件と結果の一覧（CSV）</a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <AuditHeads heads={heads} />
      </Layout>,
    );
  })
  .get('/public/cases/:id', async (c) => {
    const { row, consortiumName } = await publicCase(c, c.req.param('id'));
    const d = await publicDetail(c, row, consortiumName);
    return renderPage(
      c,
      <Layout title={d.title} user={c.get('user')}>
        <p>
          <a href="/public">公開中の調達案件</a>
        </p>
        <h1>{d.title}</h1>
        <dl class="summary card">
          <dt>協議会</dt>
          <dd>{d.consortium}</dd>
          <dt>調達方式</dt>
          <dd>{d.methodLabel}</dd>
          {row.method === 'negotiated' ? <NegotiatedGroundSummary ground={row.negotiatedGround} reason={row.negotiatedReason} /> : null}
          <dt>契約形態</dt>
          <dd>{d.contractModeLabel}</dd>
          <dt>年度</dt>
          <dd>{d.fiscalYear}年度</dd>
          <dt>状態</dt>
          <dd>{caseStateLabels[d.state]}</dd>
          {/* a 随意契約 has no notice: it is published with its award */}
          <dt>{row.method === 'negotiated' ? '公表日' : '公告日'}</dt>
          <dd>{dateTime(d.publishedAt)}</dd>
          {d.rfiDeadline ? (
            <>
              <dt>情報提供依頼の回答期限</dt>
              <dd>{dateTime(d.rfiDeadline)}</dd>
            </>
          ) : null}
          {d.questionDeadline ? (
            <>
              <dt>質問受付期限</dt>
              <dd>{dateTime(d.questionDeadline)}</dd>
            </>
          ) : null}
          {d.submissionDeadline ? (
            <>
              <dt>提案書の提出期限</dt>
              <dd>{dateTime(d.submissionDeadline)}</dd>
            </>
          ) : null}
          {d.bidding ? (
            <>
              <dt>入札締切／開札</dt>
              <dd>
                {dateTime(d.bidding.deadlineAt)} ／ {dateTime(d.bidding.openingAt)}
              </dd>
              <dt>予定価格</dt>
              <dd>{d.bidding.ceilingPrice === null ? '事後公表' : `${yen(d.bidding.ceilingPrice)}（税抜）`}</dd>
              {d.bidding.concluded ? (
                <>
                  <dt>最低制限価格</dt>
                  <dd>{d.bidding.floorPrice ? `${yen(d.bidding.floorPrice)}（税抜）` : '設定なし'}</dd>
                  <dt>低入札価格調査基準価格</dt>
                  <dd>{d.bidding.investigationPrice ? `${yen(d.bidding.investigationPrice)}（税抜）` : '設定なし'}</dd>
                </>
              ) : null}
            </>
          ) : null}
          <dt>参加団体</dt>
          <dd>{d.participants.length > 0 ? d.participants.join('、') : '—'}</dd>
        </dl>
        {d.description ? <p class="prewrap">{d.description}</p> : null}
        <Addenda addenda={d.addenda} published />
        {d.result ? (
          <section class="card" aria-labelledby="result-heading">
            <h2 id="result-heading">結果</h2>
            <p>
              {selectedPartyLabel(row.method)}: <strong>{d.result.vendorName}</strong>
              {d.result.amount !== null ? ` ／ ${yen(d.result.amount)}（税抜）、${yen(d.result.amountWithTax ?? 0)}（税込）` : ''} ／ 決定日 {dateTime(d.result.decidedAt)}
            </p>
            {row.method === 'proposal' ? <p>契約は、{selectedPartyLabel(row.method)}と協議が整ったときに、随意契約により締結します。</p> : null}
          </section>
        ) : null}
        {d.questions.length > 0 ? (
          <section aria-labelledby="questions-heading">
            <h2 id="questions-heading">質問と回答（{d.questions.length}件）</h2>
            <p class="muted">回答は仕様書等と一体のものとして取り扱います。</p>
            <PublishedQuestions questions={d.questions} />
          </section>
        ) : null}
        <section aria-labelledby="docs-heading">
          <h2 id="docs-heading">文書</h2>
          <ul>
            {d.documents.map((doc) => (
              <li>
                <a href={doc.url}>{doc.name}（PDF）</a>
                {' '}
                {doc.number}（第{doc.version}版） SHA-256: <code class="hash">{doc.sha256}</code>
              </li>
            ))}
            <li>
              <a href={d.ocds}>オープンデータ（OCDS、ocid: {d.ocid}）</a>
            </li>
          </ul>
        </section>
      </Layout>,
    );
  })
  .get('/public/feed.xml', async (c) => {
    // PUBLIC_URL, never the request's Host header
    const origin = c.get('deps').config.publicUrl;
    const rows = await publishedCases(dbOf(c), { limit: 50 });
    // each consortium's audit-chain head goes in the subtitle, so whoever archives the feed keeps the heads
    const heads = await publishedChainHeads(dbOf(c), c.get('deps').keys.audit);
    const subtitle = headsSubtitle(heads, origin);
    const feed = new Feed({
      title: '共同調達 選定ワークベンチ 新着の調達案件',
      description: `協議会が共同で調達する案件の公告${subtitle ? `。${subtitle}` : ''}`,
      id: `${origin}/public`,
      link: `${origin}/public`,
      language: 'ja',
      updated: new Date(Math.max(rows[0]?.row.publishedAt?.getTime() ?? 0, ...heads.map((h) => (h.head.at ? Date.parse(h.head.at) : 0)))),
      generator: '共同調達 選定ワークベンチ',
      copyright: '',
      feedLinks: { atom: `${origin}/public/feed.xml` },
    });
    for (const { row, consortiumName } of rows) {
      // the feed declares these fields type="html": plain text goes in escaped, so readers show it as text
      feed.addItem({
        title: escapeHtml(row.title),
        id: `${origin}/public/cases/${row.id}`,
        link: `${origin}/public/cases/${row.id}`,
        date: row.publishedAt!,
        description: escapeHtml(`${consortiumName}／${row.fiscalYear}年度／${caseStateLabels[row.state]}`),
        content: escapeHtml(row.description),
        author: [{ name: consortiumName }],
      });
    }
    return c.body(feed.atom1(), 200, { 'content-type': 'application/atom+xml; charset=utf-8' });
  });
