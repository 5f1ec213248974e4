import { describe, expect, it } from 'vitest';
import { byName, compareNames, kanjiNumber } from '../../src/domain/names.ts';

describe('the order names are listed in', () => {
  it('reads kanji numerals by value', () => {
    expect(['三', '十二', '二十', '百五', '一〇', '九'].map(kanjiNumber)).toEqual([3, 12, 20, 105, 10, 9]);
  });

  it('lists 評価委員 一, 二, 三 by their number, not by the code of the character', () => {
    const names = ['評価委員 三', '評価委員 一', '評価委員 二'];
    // the collation alone puts 三 before 二
    expect([...names].sort((a, b) => a.localeCompare(b, 'ja'))).toEqual(['評価委員 一', '評価委員 三', '評価委員 二']);
    expect([...names].sort(compareNames)).toEqual(['評価委員 一', '評価委員 二', '評価委員 三']);
    expect(['評価委員 十一', '評価委員 二', '評価委員 十'].sort(compareNames)).toEqual(['評価委員 二', '評価委員 十', '評価委員 十一']);
  });

  it('compares Arabic and full-width digits by value and the rest in Japanese order', () => {
    expect(['委員10', '委員９', '委員1'].sort(compareNames)).toEqual(['委員1', '委員９', '委員10']);
    expect(['佐藤', '伊藤', 'あおい'].sort(compareNames)).toEqual(['あおい', ...['佐藤', '伊藤'].sort((a, b) => a.localeCompare(b, 'ja'))]);
    expect(byName([{ n: '評価委員 二' }, { n: '評価委員 一' }], (x) => x.n).map((x) => x.n)).toEqual(['評価委員 一', '評価委員 二']);
  });

  it('gives a total order: distinct names never compare equal', () => {
    expect(compareNames('委員1', '委員１')).not.toBe(0);
    expect(compareNames('委員1', '委員1')).toBe(0);
  });
});
