import { describe, expect, it } from 'vitest';
import { applyAnswer, nextQuestionSeq, publishedWording, questionRefusal, questionStatus, toPublish } from '../../src/domain/questions.ts';

const deadline = new Date('2026-05-15T17:00:00.000+09:00');
const before = new Date('2026-05-15T16:59:59.999+09:00');
const after = new Date('2026-05-15T17:00:00.001+09:00');

describe('questionRefusal', () => {
  it('takes questions while the case is before vendors, up to and including the deadline instant', () => {
    for (const state of ['rfi', 'spec_review', 'open'] as const) {
      expect(questionRefusal(state, deadline, before)).toBeNull();
      expect(questionRefusal(state, deadline, deadline)).toBeNull();
    }
  });
  it('refuses a question after the deadline, or when no deadline is set', () => {
    expect(questionRefusal('open', deadline, after)).toBe('late');
    expect(questionRefusal('open', null, before)).toBe('no_deadline');
  });
  it('refuses a question on a case not published or past its notice, whatever the deadline', () => {
    for (const state of ['draft', 'evaluation', 'awarded', 'cancelled'] as const) expect(questionRefusal(state, deadline, before)).toBe('not_published');
  });
});

describe('numbering and publication', () => {
  it('numbers questions in order of arrival from 1', () => {
    expect(nextQuestionSeq(null)).toBe(1);
    expect(nextQuestionSeq(7)).toBe(8);
  });
  it('publishes the answered questions not yet published, in number order', () => {
    const at = new Date();
    const qs = [
      { seq: 3, answer: '回答3', publishedAt: null },
      { seq: 1, answer: '回答1', publishedAt: at },
      { seq: 2, answer: null, publishedAt: null },
      { seq: 4, answer: '回答4', publishedAt: null },
    ];
    expect(toPublish(qs).map((q) => q.seq)).toEqual([3, 4]);
    expect(qs.map(questionStatus)).toEqual(['answered', 'published', 'pending', 'answered']);
  });
});

describe('applyAnswer', () => {
  const asked = { text: '当社の製品Xは対応していますか。', publishedText: null, answer: null, publishedAt: null };
  const published = { ...asked, publishedText: '製品の対応について', answer: '対応しています。', publishedAt: new Date() };

  it('keeps the wording as asked when none is given, or the one given equals the question', () => {
    expect(applyAnswer(asked, { answer: '回答' })).toEqual({ answer: '回答', publishedText: null, changed: true, unpublish: false });
    expect(applyAnswer(asked, { answer: '回答', publishedText: asked.text }).publishedText).toBeNull();
    expect(applyAnswer(asked, { answer: '回答', publishedText: '  ' }).publishedText).toBeNull();
    expect(publishedWording(asked)).toBe(asked.text);
  });
  it('publishes the edited wording instead of the question as asked', () => {
    const next = applyAnswer(asked, { answer: '回答', publishedText: ' 製品の対応について ' });
    expect(next.publishedText).toBe('製品の対応について');
    expect(publishedWording({ text: asked.text, publishedText: next.publishedText })).toBe('製品の対応について');
  });
  it('withdraws a published answer that changed, so that it is published again; an unchanged one stays', () => {
    expect(applyAnswer(published, { answer: '対応しています。' })).toMatchObject({ changed: false, unpublish: false });
    expect(applyAnswer(published, { answer: '対応しています。', publishedText: '製品の対応について' })).toMatchObject({ changed: false, unpublish: false });
    expect(applyAnswer(published, { answer: '一部対応しています。' })).toMatchObject({ changed: true, unpublish: true });
    expect(applyAnswer(published, { answer: '対応しています。', publishedText: '' })).toMatchObject({ publishedText: null, changed: true, unpublish: true });
  });
});
