import { describe, expect, it } from 'vitest';
import type { RfiQuestion } from '../../schema/index.ts';
import { priceStats, rfiAnswerProblems } from '../../src/domain/rfi.ts';

const questions: RfiQuestion[] = [
  { code: 'summary', text: '製品の概要', kind: 'text' },
  { code: 'users', text: '想定利用者数', kind: 'number' },
  { code: 'lgwan', text: 'LGWAN対応の有無', kind: 'yesno' },
  { code: 'hosting', text: '提供形態', kind: 'choice', choices: ['SaaS', 'オンプレミス'] },
  { code: 'price', text: '参考見積額（年額・税抜）', kind: 'price' },
];

describe('rfiAnswerProblems', () => {
  it('accepts well-typed answers, partial ones while drafting', () => {
    expect(rfiAnswerProblems(questions, { summary: 'クラウド型', price: 7_020_000 }, false)).toEqual([]);
    expect(rfiAnswerProblems(questions, { summary: 'x', users: 500, lgwan: true, hosting: 'SaaS', price: 0 }, true)).toEqual([]);
  });
  it('names each wrong answer and each unanswered question on submission', () => {
    const problems = rfiAnswerProblems(questions, { users: '多数', lgwan: 'はい', hosting: 'ASP', price: 1.5, nope: 1 }, true);
    expect(problems).toEqual([
      '「想定利用者数」は数値で回答してください',
      '「LGWAN対応の有無」は「はい」か「いいえ」で回答してください',
      '「提供形態」は選択肢から選んでください',
      '「参考見積額（年額・税抜）」は円単位の0以上の整数（税抜）で回答してください',
      '質問にないコード「nope」への回答です',
      '「製品の概要」が未回答です',
    ]);
  });
});

describe('priceStats', () => {
  it('gives count, min, median and max', () => {
    expect(priceStats([9_000_000, 7_020_000, 8_500_000])).toEqual({ count: 3, min: 7_020_000, median: 8_500_000, max: 9_000_000 });
  });
  it('takes the mean of the middle two for an even count, floored to the yen', () => {
    expect(priceStats([100, 201, 300, 50])).toEqual({ count: 4, min: 50, median: 150, max: 300 });
  });
  it('has nothing to say about no prices', () => {
    expect(priceStats([])).toBeNull();
  });
});
