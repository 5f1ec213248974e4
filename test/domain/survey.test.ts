import { describe, expect, it } from 'vitest';
import {
  THRESHOLD_SCALE,
  answerProblems,
  applyShortlist,
  confirmationPlan,
  joiningMembers,
  nextProposalCode,
  sameCandidateName,
  shortlistProblems,
  surveyResults,
  type SurveyAnswer,
  type SurveyDefinition,
} from '../../src/domain/survey.ts';

const osaka: SurveyDefinition = {
  candidates: [
    { code: 'docs', name: '文書管理・電子決裁システム' },
    { code: 'chat', name: 'チャットツール' },
    { code: 'form', name: '電子申請システム' },
  ],
  points: [2, 1],
  thresholdMillionths: THRESHOLD_SCALE / 4,
};

const answer = (memberId: string, ranking: string[], intents: SurveyAnswer['intents'] = {}): SurveyAnswer => ({ memberId, ranking, intents });

describe('大阪府: two-stage survey, 1位 = 2点, 2位 = 1点', () => {
  it('totals points and procures the highest', () => {
    const answers = [
      answer('a', ['docs', 'chat']),
      answer('b', ['docs', 'form']),
      answer('c', ['chat', 'docs']),
      answer('d', ['form', 'docs', 'chat']),
    ];
    const { results, respondents, members } = surveyResults(osaka, 43, answers);
    expect(members).toBe(43);
    expect(respondents).toBe(4);
    // docs 2+2+1+1 = 6; chat 1+2, and d's third place earns nothing = 3; form 1+2 = 3
    expect(results.map((r) => [r.code, r.points, r.firstChoices])).toEqual([
      ['docs', 6, 2],
      ['chat', 3, 1],
      ['form', 3, 1],
    ]);
  });

  it('breaks equal points by first choices, then intending, then the candidate order', () => {
    const answers = [answer('a', ['chat', 'form']), answer('b', ['form']), answer('c', ['form'], { chat: 'join' })];
    // form 1+2+2 = 5, chat 2
    const r1 = surveyResults(osaka, 10, answers).results;
    expect(r1[0]!.code).toBe('form');
    const tied = [answer('a', ['chat', 'docs']), answer('b', ['docs', 'chat'], { chat: 'join' })];
    // docs 3, chat 3, one first choice each; chat has one intending → chat first
    expect(surveyResults(osaka, 10, tied).results.map((r) => r.code)).toEqual(['chat', 'docs', 'form']);
  });
});

describe('熊本県: participation threshold of about 1/4 of all members', () => {
  const kumamoto: SurveyDefinition = { candidates: [{ code: 'ai', name: 'AI議事録作成システム' }], points: [1], thresholdMillionths: 250_000 };

  it('counts join intents over all members, answered or not', () => {
    // 46 members (the prefecture and 45 municipalities); 12 intend to join: 12/46 = 0.2608… ≥ 0.25
    const answers = Array.from({ length: 20 }, (_, i) => answer(`m${i}`, [], { ai: i < 12 ? 'join' : i < 16 ? 'study' : 'none' }));
    const [ai] = surveyResults(kumamoto, 46, answers).results;
    expect(ai).toMatchObject({ intending: 12, meetsThreshold: true, intents: { join: 12, study: 4, interested: 0, none: 4 } });
    expect(ai!.intendingShare).toBeCloseTo(12 / 46, 10);
  });

  it('compares exactly at the boundary', () => {
    const at = (n: number, of: number) =>
      surveyResults(kumamoto, of, Array.from({ length: n }, (_, i) => answer(`m${i}`, [], { ai: 'join' }))).results[0]!.meetsThreshold;
    expect(at(11, 44)).toBe(true); // exactly 1/4
    expect(at(10, 44)).toBe(false);
    const tenth: SurveyDefinition = { ...kumamoto, thresholdMillionths: 100_000 };
    // 3/30 is exactly 0.1 although 0.1 × 30 is 3.0000000000000004 in floating point
    expect(surveyResults(tenth, 30, Array.from({ length: 3 }, (_, i) => answer(`m${i}`, [], { ai: 'join' }))).results[0]!.meetsThreshold).toBe(true);
  });

  it('has a clear answer with no members at all', () => {
    expect(surveyResults(kumamoto, 0, []).results[0]).toMatchObject({ intendingShare: 0, meetsThreshold: false, points: 0 });
  });
});

describe('answerProblems', () => {
  it('refuses unknown codes and a candidate ranked twice', () => {
    expect(answerProblems(osaka, { ranking: ['docs', 'docs'], intents: {} })).toHaveLength(1);
    expect(answerProblems(osaka, { ranking: ['x'], intents: { y: 'join' } })).toHaveLength(2);
    expect(answerProblems(osaka, { ranking: ['docs', 'chat'], intents: { form: 'study' } })).toEqual([]);
  });
});

describe('answerProblems: 1位 and 参加しない', () => {
  it('refuses a first place the same answer will not join, naming the candidate', () => {
    const problems = answerProblems(osaka, { ranking: ['chat', 'docs'], intents: { chat: 'none', docs: 'join' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('1位');
    expect(problems[0]).toContain('チャットツール');
    expect(problems[0]).toContain('参加しない');
  });

  it('lets a lower place, or a first place with any other intent or none given, stand', () => {
    expect(answerProblems(osaka, { ranking: ['docs', 'chat'], intents: { chat: 'none' } })).toEqual([]);
    for (const intent of ['join', 'study', 'interested'] as const) expect(answerProblems(osaka, { ranking: ['chat'], intents: { chat: intent } })).toEqual([]);
    expect(answerProblems(osaka, { ranking: ['chat'], intents: {} })).toEqual([]);
    expect(answerProblems(osaka, { ranking: [], intents: { chat: 'none' } })).toEqual([]);
  });
});

describe('the first stage of a two-stage survey', () => {
  it('numbers proposals P1, P2, … past the highest in use, whatever other codes the secretariat chose', () => {
    expect(nextProposalCode([])).toBe('P1');
    expect(nextProposalCode([{ code: 'docs' }, { code: 'P1' }, { code: 'P7' }, { code: 'p9' }, { code: 'P3x' }])).toBe('P8');
  });

  it('reads names that differ only in width, case or spaces as the same system', () => {
    expect(sameCandidateName('電子申請 システム', '電子申請システム')).toBe(true);
    expect(sameCandidateName('ＡＩ議事録', 'ai議事録')).toBe(true);
    expect(sameCandidateName('AI議事録', 'AI翻訳')).toBe(false);
  });

  it('keeps the shortlisted candidates in the order given and refuses an empty, repeated or unknown code', () => {
    const candidates = [{ code: 'P1', name: 'a' }, { code: 'P2', name: 'b' }, { code: 'P3', name: 'c' }];
    expect(shortlistProblems(candidates, ['P3', 'P1'])).toEqual([]);
    expect(applyShortlist(candidates, ['P3', 'P1']).map((c) => c.name)).toEqual(['c', 'a']);
    expect(shortlistProblems(candidates, [])).toHaveLength(1);
    expect(shortlistProblems(candidates, ['P1', 'P1'])).toHaveLength(1);
    expect(shortlistProblems(candidates, ['P1', 'P9'])[0]).toContain('P9');
  });
});

describe('from answers to participants', () => {
  it('takes the members answering "join" for the candidate', () => {
    const answers = [answer('a', [], { x: 'join' }), answer('b', [], { x: 'study', y: 'join' }), answer('c', [], { x: 'join' })];
    expect(joiningMembers(answers, 'x')).toEqual(['a', 'c']);
    expect(joiningMembers(answers, 'z')).toEqual([]);
  });

  it('splits the members to confirm into new participants and those already in, once each', () => {
    expect(confirmationPlan(['a', 'b', 'a', 'c'], new Set(['b']))).toEqual({ confirmed: ['a', 'c'], alreadyParticipating: ['b'] });
  });
});
