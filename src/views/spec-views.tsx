import type { SpecRequirement, SpecSection } from '../../schema/index.ts';
import type { SpecDiff } from '../domain/spec-diff.ts';
import { dateTime } from './format.ts';

const levelNames = { must: '必須', want: '任意' } as const;

/** The chapters of a spec version, read-only. */
export function SpecSections({ sections }: { sections: readonly SpecSection[] }) {
  return (
    <>
      {sections.map((s) => (
        <>
          <h2>{s.heading}</h2>
          <p class="prewrap">{s.body}</p>
        </>
      ))}
    </>
  );
}

/** 機能要件: each requirement with its number, so a comment or a proposal can point at it. */
export function RequirementTable({ requirements, caption = '機能要件' }: { requirements: readonly SpecRequirement[]; caption?: string }) {
  if (requirements.length === 0) return <p class="muted">機能要件はありません。</p>;
  return (
    <div class="table-wrap">
      <table class="requirements">
        <caption>
          {caption}（{requirements.length}件）
        </caption>
        <thead>
          <tr>
            <th scope="col">番号</th>
            <th scope="col">要件</th>
            <th scope="col">区分</th>
          </tr>
        </thead>
        <tbody>
          {requirements.map((r) => (
            <tr id={`req-${r.code}`}>
              <th scope="row">{r.code}</th>
              <td>{r.text}</td>
              <td>{levelNames[r.level]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface VersionSummary {
  version: number;
  createdAt: Date;
  sections: number;
  requirements: number;
}

/** 版の履歴: every saved version, each openable, and a choice of two to compare (a GET form, no script needed). */
export function SpecVersionHistory({ caseId, versions, current }: { caseId: string; versions: readonly VersionSummary[]; current?: number }) {
  if (versions.length === 0) return null;
  const latest = versions.at(-1)!.version;
  return (
    <section class="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">版の履歴</h2>
      <div class="table-wrap">
        <table>
          <caption>保存された版（{versions.length}件）</caption>
          <thead>
            <tr>
              <th scope="col">版</th>
              <th scope="col">保存日時</th>
              <th scope="col">章</th>
              <th scope="col">機能要件</th>
              <th scope="col">前の版との違い</th>
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((v) => (
              <tr aria-current={v.version === current ? 'page' : undefined}>
                <th scope="row">
                  <a href={`/cases/${caseId}/spec/versions/${v.version}`}>第{v.version}版</a>
                  {v.version === latest ? '（現行）' : ''}
                </th>
                <td>{dateTime(v.createdAt)}</td>
                <td>{v.sections}</td>
                <td>{v.requirements}</td>
                <td>{v.version > 1 ? <a href={`/cases/${caseId}/spec/diff?from=${v.version - 1}&to=${v.version}`}>第{v.version - 1}版との比較</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 ? (
        <form method="get" action={`/cases/${caseId}/spec/diff`} class="compare-form">
          <div>
            <label for="diff-from">比較元の版</label>
            <select id="diff-from" name="from">
              {versions.map((v) => (
                <option value={String(v.version)} selected={v.version === latest - 1}>
                  第{v.version}版
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="diff-to">比較先の版</label>
            <select id="diff-to" name="to">
              {versions.map((v) => (
                <option value={String(v.version)} selected={v.version === latest}>
                  第{v.version}版
                </option>
              ))}
            </select>
          </div>
          <button class="secondary" type="submit">
            版を比較する
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** The differences between two versions: chapters and requirements added, removed, changed; each marked in words, not colour only. */
export function SpecDiffView({ diff, from, to }: { diff: SpecDiff; from: number; to: number }) {
  const none = diff.sections.length === 0 && diff.requirements.length === 0;
  return (
    <>
      <p>
        第{from}版から第{to}版への変更: 章 {diff.sections.length}件、機能要件 {diff.requirements.length}件（変更のない章 {diff.unchanged.sections}件、要件 {diff.unchanged.requirements}件）
      </p>
      {none ? <p class="notice">この2つの版の内容は同じです。</p> : null}
      {diff.sections.length > 0 ? (
        <section class="card" aria-labelledby="diff-sections">
          <h2 id="diff-sections">章の変更</h2>
          {diff.sections.map((s) => (
            <div class={`diff-section diff-${s.kind}`}>
              <h3>
                <span class="diff-tag">{{ added: '追加', removed: '削除', changed: '変更' }[s.kind]}</span> {s.heading}
              </h3>
              {s.kind === 'changed' ? (
                <ol class="diff-lines" aria-label={`「${s.heading}」の行ごとの変更`}>
                  {s.lines.map((l) => (
                    <li class={`line-${l.kind}`}>
                      {l.kind === 'added' ? <ins>＋ {l.text}</ins> : l.kind === 'removed' ? <del>－ {l.text}</del> : <span>　 {l.text}</span>}
                    </li>
                  ))}
                </ol>
              ) : (
                <p class="prewrap">{s.kind === 'added' ? <ins>{s.body}</ins> : <del>{s.body}</del>}</p>
              )}
            </div>
          ))}
        </section>
      ) : null}
      {diff.requirements.length > 0 ? (
        <section class="card" aria-labelledby="diff-requirements">
          <h2 id="diff-requirements">機能要件の変更</h2>
          <div class="table-wrap">
            <table>
              <caption>機能要件の変更（{diff.requirements.length}件）</caption>
              <thead>
                <tr>
                  <th scope="col">番号</th>
                  <th scope="col">変更</th>
                  <th scope="col">第{from}版</th>
                  <th scope="col">第{to}版</th>
                </tr>
              </thead>
              <tbody>
                {diff.requirements.map((r) => (
                  <tr class={`diff-${r.kind}`}>
                    <th scope="row">{r.code}</th>
                    <td>{{ added: '追加', removed: '削除', changed: '変更' }[r.kind]}</td>
                    <td>{r.kind === 'added' ? '—' : <del>［{levelNames[r.before.level]}］{r.before.text}</del>}</td>
                    <td>{r.kind === 'removed' ? '—' : <ins>［{levelNames[r.after.level]}］{r.after.text}</ins>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
