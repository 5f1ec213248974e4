import type { SpecRequirement, SpecSection } from '../../schema/index.ts';

/**
 * What changed between two versions of a spec (仕様書の版の比較): chapters matched by heading and
 * requirements by number, each added, removed or changed; a changed chapter with its lines kept,
 * removed and added, so a reader sees what was rewritten without reading both versions whole.
 */

export interface SpecContent {
  sections: readonly SpecSection[];
  requirements: readonly SpecRequirement[];
}

export type LineChange = { kind: 'same' | 'removed' | 'added'; text: string };

export type SectionDiff =
  | { kind: 'added'; heading: string; body: string }
  | { kind: 'removed'; heading: string; body: string }
  | { kind: 'changed'; heading: string; lines: LineChange[] };

export type RequirementDiff =
  | { kind: 'added'; code: string; after: SpecRequirement }
  | { kind: 'removed'; code: string; before: SpecRequirement }
  | { kind: 'changed'; code: string; before: SpecRequirement; after: SpecRequirement };

export interface SpecDiff {
  sections: SectionDiff[];
  requirements: RequirementDiff[];
  /** chapters and requirements unchanged */
  unchanged: { sections: number; requirements: number };
}

/** The lines of `before` and `after` as kept, removed and added, in reading order (a longest common subsequence). */
export function lineDiff(before: string, after: string): LineChange[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // lengths of the common subsequence of a[i..] and b[j..]
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) out.push({ kind: 'removed', text: a[i++]! });
    else out.push({ kind: 'added', text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) out.push({ kind: 'added', text: b[j++]! });
  return out;
}

/** The differences from `before` to `after`: in the order of `after`, then what `before` had and `after` dropped. */
export function specDiff(before: SpecContent, after: SpecContent): SpecDiff {
  const oldSections = new Map(before.sections.map((s) => [s.heading, s]));
  const newHeadings = new Set(after.sections.map((s) => s.heading));
  const sections: SectionDiff[] = [];
  let sameSections = 0;
  for (const s of after.sections) {
    const previous = oldSections.get(s.heading);
    if (!previous) sections.push({ kind: 'added', heading: s.heading, body: s.body });
    else if (previous.body !== s.body) sections.push({ kind: 'changed', heading: s.heading, lines: lineDiff(previous.body, s.body) });
    else sameSections++;
  }
  for (const s of before.sections) if (!newHeadings.has(s.heading)) sections.push({ kind: 'removed', heading: s.heading, body: s.body });

  const oldReqs = new Map(before.requirements.map((r) => [r.code, r]));
  const newCodes = new Set(after.requirements.map((r) => r.code));
  const requirements: RequirementDiff[] = [];
  let sameReqs = 0;
  for (const r of after.requirements) {
    const previous = oldReqs.get(r.code);
    if (!previous) requirements.push({ kind: 'added', code: r.code, after: r });
    else if (previous.text !== r.text || previous.level !== r.level) requirements.push({ kind: 'changed', code: r.code, before: previous, after: r });
    else sameReqs++;
  }
  for (const r of before.requirements) if (!newCodes.has(r.code)) requirements.push({ kind: 'removed', code: r.code, before: r });

  return { sections, requirements, unchanged: { sections: sameSections, requirements: sameReqs } };
}

/** The place a comment on a requirement names (該当箇所), as the comment stores it in place of a heading. */
export const requirementPlace = (code: string): string => `機能要件 ${code}`;
