import { describe, expect, it } from 'vitest';
import { type PublicationFacts, pastDeadlineProblem, publicationBlockers, publicationChecklist } from '../../src/domain/publication.ts';

const now = new Date('2026-04-01T09:00:00+09:00');
const later = new Date('2026-05-01T17:00:00+09:00');
const earlier = new Date('2026-03-01T17:00:00+09:00');

const proposal: PublicationFacts = {
  method: 'proposal',
  to: 'open',
  now,
  specVersion: 2,
  rfiQuestions: null,
  rfiDeadline: null,
  questionDeadline: later,
  submissionDeadline: later,
  criteria: 3,
  bidding: null,
};

describe('what publishing a case needs', () => {
  it('lets a proposal case with its spec, criteria and future deadlines be published', () => {
    const items = publicationChecklist(proposal);
    expect(items.every((i) => i.done)).toBe(true);
    expect(items.map((i) => i.key)).toEqual(['spec', 'criteria', 'submissionDeadline', 'questionDeadline']);
    expect(publicationBlockers(items)).toEqual([]);
  });

  it('refuses the notice without a spec, naming it', () => {
    const blockers = publicationBlockers(publicationChecklist({ ...proposal, specVersion: null }));
    expect(blockers.map((b) => [b.key, b.problem])).toEqual([['spec', '仕様書がありません']]);
  });

  it('refuses a deadline already past, and lists missing settings without refusing', () => {
    const items = publicationChecklist({ ...proposal, submissionDeadline: earlier, criteria: null, questionDeadline: null });
    expect(publicationBlockers(items).map((b) => b.problem)).toEqual(['提案書の提出期限がすでに過ぎています']);
    expect(items.find((i) => i.key === 'criteria')).toMatchObject({ done: false, blocking: false, problem: '評価基準が未設定です' });
  });

  it('asks a competitive bid for its bidding settings, and refuses a past bid deadline', () => {
    const bid = { ...proposal, method: 'competitive_bid' as const, criteria: null, submissionDeadline: null };
    expect(publicationChecklist(bid).find((i) => i.key === 'bidding')).toMatchObject({ done: false, blocking: false });
    expect(publicationChecklist(bid).some((i) => i.key === 'criteria')).toBe(false);
    const past = publicationChecklist({ ...bid, bidding: { deadline: earlier, opening: later } });
    expect(publicationBlockers(past).map((b) => b.key)).toEqual(['bidDeadline']);
  });

  it('publishes an RFI with its questions and a future deadline, before any spec', () => {
    const rfi = { ...proposal, to: 'rfi' as const, specVersion: null, rfiQuestions: 4, rfiDeadline: later };
    expect(publicationBlockers(publicationChecklist(rfi))).toEqual([]);
    expect(publicationBlockers(publicationChecklist({ ...rfi, rfiQuestions: null })).map((b) => b.key)).toEqual(['rfi']);
    expect(publicationBlockers(publicationChecklist({ ...rfi, rfiDeadline: earlier })).map((b) => b.key)).toEqual(['rfiDeadline']);
  });
});

describe('a deadline typed in the past', () => {
  it('is refused when new, and kept when it is the one already stored', () => {
    expect(pastDeadlineProblem('提出期限', now, null, earlier)).toBe('提出期限に過去の日時は指定できません（現在より後の日時を入力してください）');
    expect(pastDeadlineProblem('提出期限', now, earlier, new Date(earlier))).toBeNull();
    expect(pastDeadlineProblem('提出期限', now, null, later)).toBeNull();
    expect(pastDeadlineProblem('提出期限', now, later, null)).toBeNull();
  });
});
