/** The participation-intent survey (意向調査): ranking points and intents per candidate system. */

export const intents = ['join', 'study', 'interested', 'none'] as const;
export type Intent = (typeof intents)[number];

export const intentLabels: Record<Intent, string> = {
  join: '参加したい',
  study: '検討したい',
  interested: '関心がある',
  none: '参加しない',
};

/** The threshold is kept in millionths so that comparing shares is exact. */
export const THRESHOLD_SCALE = 1_000_000;

/** A candidate system; in a two-stage survey the member body that proposed it and why. */
export interface SurveyCandidate {
  code: string;
  name: string;
  /** member id of the body that proposed it (two-stage survey); absent when the secretariat listed it */
  proposedBy?: string;
  note?: string;
}

export interface SurveyDefinition {
  candidates: SurveyCandidate[];
  /** points for the 1st, 2nd, … place of a ranking (大阪府: 1位 = 2点, 2位 = 1点) */
  points: number[];
  thresholdMillionths: number;
}

export interface SurveyAnswer {
  memberId: string;
  ranking: string[];
  intents: Record<string, Intent>;
}

export interface CandidateResult {
  code: string;
  name: string;
  proposedBy: string | null;
  note: string | null;
  points: number;
  firstChoices: number;
  intending: number;
  intendingShare: number;
  meetsThreshold: boolean;
  intents: Record<Intent, number>;
}

export interface SurveyResults {
  members: number;
  respondents: number;
  results: CandidateResult[];
}

/**
 * A ranking or intents naming a code that is not a candidate, ranking one twice, or putting first
 * (1位) a candidate the same answer says it will not join: a first choice the body would not take
 * part in would add points to a system it does not intend to procure.
 */
export function answerProblems(def: SurveyDefinition, answer: Pick<SurveyAnswer, 'ranking' | 'intents'>): string[] {
  const codes = new Set(def.candidates.map((c) => c.code));
  const problems: string[] = [];
  for (const code of answer.ranking) if (!codes.has(code)) problems.push(`順位に候補にないコード「${code}」があります`);
  if (new Set(answer.ranking).size !== answer.ranking.length) problems.push('同じ候補を複数の順位に入れることはできません');
  for (const code of Object.keys(answer.intents)) if (!codes.has(code)) problems.push(`意向に候補にないコード「${code}」があります`);
  const first = answer.ranking[0];
  if (first !== undefined && codes.has(first) && answer.intents[first] === 'none') {
    const name = def.candidates.find((c) => c.code === first)!.name;
    problems.push(`1位に選んだ「${name}」の参加意向が「${intentLabels.none}」になっています。1位には参加する可能性のある候補を選んでください`);
  }
  return problems;
}

/** Codes the service gives proposed candidates: P1, P2, … (staff never invent them). */
const PROPOSAL_CODE = /^P(\d{1,6})$/;

/** The next free proposal code: one past the highest P-number in use, so a dropped code is never reused. */
export function nextProposalCode(candidates: readonly Pick<SurveyCandidate, 'code'>[]): string {
  let highest = 0;
  for (const { code } of candidates) {
    const match = PROPOSAL_CODE.exec(code);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `P${highest + 1}`;
}

/** Names compared as a person reads them: width, case and spaces do not make a different system. */
export const sameCandidateName = (a: string, b: string): boolean => {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
};

/** Why a shortlist (候補の絞り込み) cannot be taken: empty, a code twice, or a code that is not a candidate. */
export function shortlistProblems(candidates: readonly Pick<SurveyCandidate, 'code'>[], codes: readonly string[]): string[] {
  const known = new Set(candidates.map((c) => c.code));
  const problems: string[] = [];
  if (codes.length === 0) problems.push('残す候補を1つ以上選んでください');
  if (new Set(codes).size !== codes.length) problems.push('同じ候補が複数回指定されています');
  for (const code of codes) if (!known.has(code)) problems.push(`候補にないコード「${code}」があります`);
  return problems;
}

/** The candidates kept by a shortlist, in the order the secretariat listed them. */
export function applyShortlist<C extends Pick<SurveyCandidate, 'code'>>(candidates: readonly C[], codes: readonly string[]): C[] {
  return codes.map((code) => candidates.find((c) => c.code === code)!);
}

/** The members whose answer says they will join the candidate (参加したい), in answer order. */
export function joiningMembers(answers: readonly Pick<SurveyAnswer, 'memberId' | 'intents'>[], code: string): string[] {
  return answers.filter((a) => a.intents[code] === 'join').map((a) => a.memberId);
}

/**
 * Splits the members to confirm for a fiscal year into those to add as participants and those
 * already participating (left as they are).
 */
export function confirmationPlan(memberIds: readonly string[], participating: ReadonlySet<string>): { confirmed: string[]; alreadyParticipating: string[] } {
  const unique = [...new Set(memberIds)];
  return { confirmed: unique.filter((id) => !participating.has(id)), alreadyParticipating: unique.filter((id) => participating.has(id)) };
}

/**
 * Totals the answers: the n-th place earns points[n−1] (nothing beyond the list); intending counts
 * "join"; the share is over all members of the consortium, answered or not. Highest points first,
 * then more first choices, then more intending, then the candidates' own order.
 */
export function surveyResults(def: SurveyDefinition, memberCount: number, answers: readonly SurveyAnswer[]): SurveyResults {
  const results = def.candidates.map((candidate, order) => {
    const tally: Record<Intent, number> = { join: 0, study: 0, interested: 0, none: 0 };
    let points = 0;
    let firstChoices = 0;
    for (const answer of answers) {
      const place = answer.ranking.indexOf(candidate.code);
      if (place >= 0) points += def.points[place] ?? 0;
      if (place === 0) firstChoices += 1;
      const intent = answer.intents[candidate.code];
      if (intent) tally[intent] += 1;
    }
    const intending = tally.join;
    return {
      order,
      result: {
        code: candidate.code,
        name: candidate.name,
        proposedBy: candidate.proposedBy ?? null,
        note: candidate.note ?? null,
        points,
        firstChoices,
        intending,
        intendingShare: memberCount === 0 ? 0 : intending / memberCount,
        meetsThreshold: memberCount > 0 && intending * THRESHOLD_SCALE >= def.thresholdMillionths * memberCount,
        intents: tally,
      },
    };
  });
  results.sort(
    (a, b) =>
      b.result.points - a.result.points ||
      b.result.firstChoices - a.result.firstChoices ||
      b.result.intending - a.result.intending ||
      a.order - b.order,
  );
  return { members: memberCount, respondents: answers.length, results: results.map((r) => r.result) };
}
