import type { AddendumChange, CaseOption, Criterion, RfiQuestion, SpecRequirement, SpecSection } from '../../schema/index.ts';
import { lotSourceLabels } from './bidding.ts';
import { longDateTime } from './format.ts';
import type { CaseState } from './lifecycle.ts';
import { negotiatedGroundCitation } from './methods.ts';
import { formatYen } from './money.ts';
import { type Aggregation, aggregationLabels } from './scoring.ts';
import { scheduleFieldLabels } from './schedule.ts';

/**
 * 変更・追加 (addenda): once a case is before vendors and the public, every change to its schedule,
 * spec, options or rules is announced with its reason and what stood before and after. These functions
 * compare the changeable parts of a case and describe each difference in the words the addendum prints;
 * an unchanged save describes nothing. Prices the vendors may not know (最低制限価格, 調査基準価格, a
 * closed 予定価格) never appear in a description.
 */

export type { AddendumChange };

export const reasonRequiredMessage = '公表後の変更には変更理由を入力してください';

/** Whether changes to the case are announced as addenda: it has been published and is not a draft or cancelled. */
export function announcesChanges(row: { publishedAt: Date | null; state: CaseState }): boolean {
  return row.publishedAt !== null && row.state !== 'draft' && row.state !== 'cancelled';
}

const ADDED = '追加';
const REMOVED = '削除';
const UNDISCLOSED = '（非公表）';

const time = (value: Date | null | undefined): string | null => (value ? longDateTime(value) : null);
const text = (value: string | null | undefined): string | null => (value === null || value === undefined || value.trim() === '' ? null : value);

/** One change when the two display strings differ, none when they are the same. */
function differs(field: string, label: string, before: string | null, after: string | null): AddendumChange[] {
  return before === after ? [] : [{ field, label, before, after }];
}

/** Items keyed by code: those removed, changed and added, each in the order it stands (removed in the old order). */
function byCode<T>(before: readonly T[], after: readonly T[], key: (item: T) => string, describe: (item: T) => string, field: string, label: (item: T) => string): AddendumChange[] {
  const old = new Map(before.map((item) => [key(item), item]));
  const now = new Map(after.map((item) => [key(item), item]));
  const out: AddendumChange[] = [];
  for (const item of after) {
    const previous = old.get(key(item));
    out.push(...differs(`${field}:${key(item)}`, label(previous ?? item), previous === undefined ? null : describe(previous), describe(item)));
  }
  for (const item of before) if (!now.has(key(item))) out.push({ field: `${field}:${key(item)}`, label: label(item), before: describe(item), after: REMOVED });
  return out;
}

// ---- the case itself ----

export interface CaseTerms {
  title: string;
  description: string;
  contractMode: 'bulk' | 'individual';
  fiscalYear: number;
  rfiDeadline: Date | null;
  questionDeadline: Date | null;
  submissionDeadline: Date | null;
  options: readonly CaseOption[];
  negotiatedGround?: string | null;
  negotiatedReason?: string | null;
}

const contractModeNames = { bulk: '一括契約', individual: '個別契約' } as const;

// a yes/no option says so; a quantity (and an option stored before kinds) reads as it always did
const optionText = (o: CaseOption) => {
  const name = o.kind === 'yesno' ? `${o.name}（利用の有無）` : o.name;
  return o.price === null || o.price === undefined ? name : `${name}（単価 ${formatYen(o.price)}・税抜）`;
};

/** The case's own fields and its options (by code: added, removed, renamed, repriced). */
export function caseChanges(before: CaseTerms, after: CaseTerms): AddendumChange[] {
  return [
    ...differs('title', '件名', before.title, after.title),
    ...differs('description', '概要', text(before.description), text(after.description)),
    ...differs('contractMode', '契約形態', contractModeNames[before.contractMode], contractModeNames[after.contractMode]),
    ...differs('fiscalYear', '年度', `${before.fiscalYear}年度`, `${after.fiscalYear}年度`),
    ...differs('negotiatedGround', '随意契約の根拠', before.negotiatedGround ? negotiatedGroundCitation(before.negotiatedGround) : null, after.negotiatedGround ? negotiatedGroundCitation(after.negotiatedGround) : null),
    ...differs('negotiatedReason', '随意契約とする理由', text(before.negotiatedReason), text(after.negotiatedReason)),
    ...differs('rfiDeadline', 'RFI回答期限', time(before.rfiDeadline), time(after.rfiDeadline)),
    ...differs('questionDeadline', '質問受付期限', time(before.questionDeadline), time(after.questionDeadline)),
    ...differs('submissionDeadline', scheduleFieldLabels.submissionDeadline, time(before.submissionDeadline), time(after.submissionDeadline)),
    ...byCode(before.options, after.options, (o) => o.code, optionText, 'option', (o) => `オプション『${o.name}』`),
  ];
}

// ---- the spec ----

export interface SpecTerms {
  version: number;
  sections: readonly SpecSection[];
  requirements: readonly SpecRequirement[];
}

const levelNames = { must: '必須', want: '任意' } as const;
const versionName = (v: number) => `第${v}版`;

/** Whether two versions of the spec say the same (the version number aside). */
function sameSpec(a: Pick<SpecTerms, 'sections' | 'requirements'>, b: Pick<SpecTerms, 'sections' | 'requirements'>): boolean {
  return JSON.stringify([a.sections, a.requirements]) === JSON.stringify([b.sections, b.requirements]);
}

/**
 * A new version of the spec: the versions, then each chapter added, removed or rewritten (named by its
 * heading; its text is in the spec itself) and each requirement added, removed or changed. Nothing when
 * the new version says what the old one did.
 */
export function specChanges(before: SpecTerms | null, after: SpecTerms): AddendumChange[] {
  const version: AddendumChange = { field: 'spec', label: '仕様書', before: before ? versionName(before.version) : null, after: versionName(after.version) };
  // a first spec is announced as such: the spec itself is what it adds
  if (!before) return [version];
  if (sameSpec(before, after)) return [];
  return [
    version,
    ...sectionChanges(before.sections, after),
    ...byCode(before.requirements, after.requirements, (r) => r.code, (r) => `［${levelNames[r.level]}］${r.text}`, 'requirement', (r) => `要件 ${r.code}`),
  ];
}

function sectionChanges(before: readonly SpecSection[], after: SpecTerms): AddendumChange[] {
  const old = new Map(before.map((s) => [s.heading, s]));
  const out: AddendumChange[] = [];
  for (const s of after.sections) {
    const previous = old.get(s.heading);
    const label = `仕様書の章『${s.heading}』`;
    if (!previous) out.push({ field: `section:${s.heading}`, label, before: null, after: ADDED });
    else if (previous.body !== s.body) out.push({ field: `section:${s.heading}`, label, before: '変更前の記載', after: `記載を変更（${versionName(after.version)}）` });
  }
  const now = new Set(after.sections.map((s) => s.heading));
  for (const s of before) if (!now.has(s.heading)) out.push({ field: `section:${s.heading}`, label: `仕様書の章『${s.heading}』`, before: 'あり', after: REMOVED });
  return out;
}

// ---- the RFI ----

export interface RfiTerms {
  deadline: Date;
  questions: readonly RfiQuestion[];
}

const questionKindNames = { text: '文章', number: '数値', yesno: 'はい／いいえ', choice: '選択', price: '金額' } as const;
const questionText = (q: RfiQuestion) => `${q.text}（${questionKindNames[q.kind]}${q.kind === 'choice' && q.choices ? `：${q.choices.join('／')}` : ''}）`;

/** The RFI's deadline and its questions (by code); a first RFI as its deadline and the number of its questions. */
export function rfiChanges(before: RfiTerms | null, after: RfiTerms): AddendumChange[] {
  return [
    ...differs('rfi.deadline', '情報提供依頼（RFI）の回答期限', time(before?.deadline), time(after.deadline)),
    ...(before
      ? byCode(before.questions, after.questions, (q) => q.code, questionText, 'rfi.question', (q) => `RFIの質問 ${q.code}`)
      : [{ field: 'rfi.questions', label: '情報提供依頼（RFI）の質問', before: null, after: `${after.questions.length}問` }]),
  ];
}

// ---- the evaluation criteria ----

export interface CriteriaTerms {
  criteria: readonly Criterion[];
  aggregation: Aggregation;
  /** 最低基準点, as a share of the technical points */
  passRatio: number;
  grades: Record<string, number>;
}

const criterionModeNames = { points: '点数', grade: '段階評価（A〜E）', pass_fail: '適否', price: '価格点' } as const;
const points = (n: number) => `${n.toLocaleString('ja-JP', { maximumFractionDigits: 2 })}点`;
const criterionText = (c: Criterion) => `${c.group ? `${c.group}／` : ''}${c.name}（${criterionModeNames[c.mode]}${c.mode === 'pass_fail' ? '' : `・配点 ${points(c.maxPoints)}`}）`;
const percent = (ratio: number) => `${(Math.round(ratio * 10_000) / 100).toLocaleString('ja-JP')}%`;
const gradesText = (grades: Record<string, number>) =>
  Object.entries(grades)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, v]) => `${g} ${percent(v)}`)
    .join('、');

/** The published rules of scoring: the criteria (by code), how sheets are combined, the pass mark, the grades. Never who evaluates. */
export function criteriaChanges(before: CriteriaTerms | null, after: CriteriaTerms): AddendumChange[] {
  return [
    ...byCode(before?.criteria ?? [], after.criteria, (c) => c.code, criterionText, 'criterion', (c) => `評価項目『${c.name}』`),
    ...differs('aggregation', '評価点の集計方法', before ? aggregationLabels[before.aggregation] : null, aggregationLabels[after.aggregation]),
    ...differs('passRatio', '最低基準点（技術点の満点に対する割合）', before ? percent(before.passRatio) : null, percent(after.passRatio)),
    ...differs('grades', '段階評価の換算率', before ? gradesText(before.grades) : null, gradesText(after.grades)),
  ];
}

// ---- bidding ----

export interface BiddingTerms {
  ceilingPrice: number;
  ceilingPublic: boolean;
  maxRounds: number;
  lotSystemValue: keyof typeof lotSourceLabels;
  taxRate: number;
  comprehensive: { mode: 'additive' | 'division'; pricePoints: number } | null;
  rounds: readonly { round: number; deadlineAt: Date; openingAt: Date }[];
  // 最低制限価格 and 調査基準価格 are deliberately not here: they are never announced
}

const comprehensiveModeNames = { additive: '加算方式', division: '除算方式' } as const;
const publicityName = (open: boolean) => (open ? '事前公表' : '事後公表');
const roundLabel = (round: number, label: string) => (round > 1 ? `第${round}回の${label}` : label);

/**
 * The bidding settings: each round's deadline and opening, the 予定価格 (its amount only while it is
 * published in advance; a change of a closed one is told without amounts), the number of rounds, the
 * lot rule, the tax rate and a 総合評価's method.
 */
export function biddingChanges(before: BiddingTerms | null, after: BiddingTerms): AddendumChange[] {
  const out: AddendumChange[] = [];
  for (const r of after.rounds) {
    const previous = before?.rounds.find((p) => p.round === r.round);
    out.push(...differs(`bidDeadline:${r.round}`, roundLabel(r.round, scheduleFieldLabels.bidDeadline), time(previous?.deadlineAt), time(r.deadlineAt)));
    out.push(...differs(`bidOpening:${r.round}`, roundLabel(r.round, scheduleFieldLabels.bidOpening), time(previous?.openingAt), time(r.openingAt)));
  }
  out.push(...differs('ceilingPublic', '予定価格の公表', before ? publicityName(before.ceilingPublic) : null, publicityName(after.ceilingPublic)));
  if (!before || before.ceilingPrice !== after.ceilingPrice) {
    const shown = (terms: BiddingTerms | null) => (terms ? (terms.ceilingPublic ? `${formatYen(terms.ceilingPrice)}（税抜）` : UNDISCLOSED) : null);
    // an amount is shown only where it is (or was) published; a closed one changing is told without amounts
    if (after.ceilingPublic) out.push({ field: 'ceilingPrice', label: '予定価格', before: shown(before), after: shown(after) });
    else if (before) out.push({ field: 'ceilingPrice', label: '予定価格（非公表）', before: UNDISCLOSED, after: '変更あり（金額は非公表）' });
  }
  out.push(...differs('maxRounds', '入札回数の上限', before ? `${before.maxRounds}回` : null, `${after.maxRounds}回`));
  out.push(...differs('lotSystemValue', '電子くじの方式', before ? lotSourceLabels[before.lotSystemValue] : null, lotSourceLabels[after.lotSystemValue]));
  out.push(...differs('taxRate', '消費税率', before ? percent(before.taxRate) : null, percent(after.taxRate)));
  const comprehensive = (terms: BiddingTerms | null) => (terms?.comprehensive ? `${comprehensiveModeNames[terms.comprehensive.mode]}（価格点 ${points(terms.comprehensive.pricePoints)}）` : null);
  out.push(...differs('comprehensive', '総合評価の方式', comprehensive(before), comprehensive(after)));
  return out;
}
