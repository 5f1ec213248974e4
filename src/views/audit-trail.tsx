import type { AuditFilter, TrailEntry } from '../services/audit-trail.ts';
import { auditActionLabel, auditDetailsLine, auditObjectLabel } from './audit-labels.ts';
import { count, dateTime } from './format.ts';
import { roleLabels } from './layout.tsx';

export interface Verdict {
  ok: boolean;
  entries: number;
  brokenAt?: number | undefined;
}

/** The filter as a query string (without the page), for the paging links, the CSV and the verify form. */
export function filterQuery(f: Partial<AuditFilter>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ['from', 'to', 'actor', 'action', 'caseId', 'target'] as const) {
    const v = f[key];
    if (v) params.set(key, v);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** What the chain verification found, in words. */
export function VerdictBox({ verdict }: { verdict: Verdict }) {
  return verdict.ok ? (
    <div class="success" role="status" id="verify-result">
      <p>
        <strong>検証しました。改ざんは見つかりませんでした。</strong>
      </p>
      <p>監査ログの記録 {count(verdict.entries)} 件すべてについて、内容と順序のつながり（ハッシュの連鎖）が正しいことを確認しました。</p>
    </div>
  ) : (
    <div class="error" role="alert" id="verify-result">
      <p>
        <strong>検証の結果、第{verdict.brokenAt ?? '?'}番の記録で異常を見つけました。</strong>
      </p>
      <p>
        第{verdict.brokenAt ?? '?'}番の記録が書き換えられたか、削除されたか、正しい手続きによらずに追加された可能性があります（検証した記録: {count(verdict.entries)}
        件）。この時点以降の記録は信頼できません。システムの運営者に連絡してください。
      </p>
    </div>
  );
}

export interface Choices {
  actors: { id: string; name: string; email: string }[];
  actions: string[];
  cases: { id: string; title: string }[];
}

export function AuditFilterForm({ filter, choices }: { filter: Partial<AuditFilter>; choices: Choices }) {
  return (
    <form method="get" action="/audit" class="card audit-filter" role="search" aria-label="監査ログの絞り込み">
      <div class="filter-grid">
        <div>
          <label for="audit-from">開始日</label>
          <input id="audit-from" name="from" type="date" value={filter.from ?? ''} />
        </div>
        <div>
          <label for="audit-to">終了日（この日を含む）</label>
          <input id="audit-to" name="to" type="date" value={filter.to ?? ''} />
        </div>
        <div>
          <label for="audit-actor">操作者</label>
          <select id="audit-actor" name="actor">
            <option value="">すべて</option>
            {choices.actors.map((a) => (
              <option value={a.id} selected={filter.actor === a.id}>
                {a.name}（{a.email}）
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-action">操作</label>
          <select id="audit-action" name="action">
            <option value="">すべて</option>
            {choices.actions.map((a) => (
              <option value={a} selected={filter.action === a}>
                {auditActionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        {choices.cases.length > 0 ? (
          <div>
            <label for="audit-case">案件</label>
            <select id="audit-case" name="caseId">
              <option value="">すべて</option>
              {choices.cases.map((c) => (
                <option value={c.id} selected={filter.caseId === c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label for="audit-target">対象ID</label>
          <input id="audit-target" name="target" type="text" value={filter.target ?? ''} maxlength={200} aria-describedby="audit-target-help" />
          <p id="audit-target-help" class="muted">
            利用者・案件などのIDで絞り込みます。
          </p>
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          絞り込む
        </button>
        <a href="/audit">条件をクリア</a>
        <a href={`/audit/csv${filterQuery(filter)}`}>この条件でCSVをダウンロード</a>
      </div>
    </form>
  );
}

function Target({ entry }: { entry: TrailEntry }) {
  return (
    <>
      {auditObjectLabel(entry.objectType)}
      {entry.caseTitle && entry.caseId ? (
        <>
          {' '}
          <a href={`/cases/${entry.caseId}`}>{entry.caseTitle}</a>
        </>
      ) : null}
      {entry.objectId && entry.objectId !== entry.caseId ? (
        <>
          <br />
          <code class="wrap-anywhere">{entry.objectId}</code>
        </>
      ) : null}
    </>
  );
}

export function AuditTable({ entries, total, offset }: { entries: TrailEntry[]; total: number; offset: number }) {
  return (
    <div class="table-wrap">
      <table class="audit-trail stack-narrow">
        <caption>
          {total === 0 ? '条件に合う記録はありません' : `監査ログ（${count(total)}件中 ${count(offset + 1)}〜${count(offset + entries.length)}件目、新しい順）`}
        </caption>
        <thead>
          <tr>
            <th scope="col" class="num">
              番号
            </th>
            <th scope="col">日時</th>
            <th scope="col">操作者</th>
            <th scope="col">操作</th>
            <th scope="col">対象</th>
            <th scope="col">内容</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td data-label="番号" class="num">{e.seq ?? '—'}</td>
              <td data-label="日時" class="nowrap">{dateTime(e.at)}</td>
              <td data-label="操作者">
                {e.actorName ?? 'システム'}
                {e.actorRole && e.actorRole in roleLabels ? <span class="muted">（{roleLabels[e.actorRole as keyof typeof roleLabels]}）</span> : null}
              </td>
              <td data-label="操作">{auditActionLabel(e.action)}</td>
              <td data-label="対象">
                <Target entry={e} />
              </td>
              <td data-label="内容" class="audit-details">{auditDetailsLine(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({ filter, page, pages }: { filter: Partial<AuditFilter>; page: number; pages: number }) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="ページ送り">
      {page > 1 ? <a href={`/audit${filterQuery(filter, { page: String(page - 1) })}`}>← 新しい記録へ</a> : null}
      <span>
        {page}／{pages}ページ
      </span>
      {page < pages ? <a href={`/audit${filterQuery(filter, { page: String(page + 1) })}`}>古い記録へ →</a> : null}
    </nav>
  );
}
