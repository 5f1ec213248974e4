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

export interface SurveyDefinition {
  candidates: { code: string; name: string }[];
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

/** A ranking or intents naming a code that is not a candidate, or ranking one twice. */
export function answerProblems(def: SurveyDefinition, answer: Pick<SurveyAnswer, 'ranking' | 'intents'>): string[] {
  const codes = new Set(def.candidates.map((c) => c.code));
  const problems: string[] = [];
  for (const code of answer.ranking) if (!codes.has(code)) problems.push(`順位に候補にないコード「${code}」があります`);
  if (new Set(answer.ranking).size !== answer.ranking.length) problems.push('同じ候補を複数の順位に入れることはできません');
  for (const code of Object.keys(answer.intents)) if (!codes.has(code)) problems.push(`意向に候補にないコード「${code}」があります`);
  return problems;
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
