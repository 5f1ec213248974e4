import { describe, expect, it } from 'vitest';
import { LIST_CODE_PATTERN, fillCodes, isValidCorporateNumber, isValidLocalGovernmentCode, localGovernmentCheckDigit } from '../../src/domain/codes.ts';

describe('地方公共団体コード', () => {
  it('accepts published codes', () => {
    // 北海道, 東京都, 熊本県, 熊本市, 八代市, 札幌市
    for (const code of ['010006', '130001', '430005', '431001', '432024', '011002']) {
      expect(isValidLocalGovernmentCode(code), code).toBe(true);
    }
  });
  it('computes the check digit from the first five digits', () => {
    expect(localGovernmentCheckDigit('43100')).toBe(1);
    expect(localGovernmentCheckDigit('13000')).toBe(1);
    expect(localGovernmentCheckDigit('01000')).toBe(6);
  });
  it('refuses a wrong check digit and anything that is not six digits', () => {
    expect(isValidLocalGovernmentCode('431002')).toBe(false);
    expect(isValidLocalGovernmentCode('43100')).toBe(false);
    expect(isValidLocalGovernmentCode('43100１')).toBe(false);
    expect(isValidLocalGovernmentCode('abcdef')).toBe(false);
  });
});

describe('法人番号', () => {
  it('accepts published numbers', () => {
    // 国税庁, トヨタ自動車株式会社
    expect(isValidCorporateNumber('7000012050002')).toBe(true);
    expect(isValidCorporateNumber('1180301018771')).toBe(true);
  });
  it('refuses a wrong check digit or length', () => {
    expect(isValidCorporateNumber('8000012050002')).toBe(false);
    expect(isValidCorporateNumber('700001205000')).toBe(false);
  });
});

describe('codes generated from a list', () => {
  it('numbers the blank codes in order and keeps the typed ones', () => {
    const items = [{ name: 'A', code: '' }, { name: 'B', code: 'sso' }, { name: 'C' }, { name: 'D', code: '  ' }];
    expect(fillCodes(items, 'opt-').map((i) => i.code)).toEqual(['opt-1', 'sso', 'opt-2', 'opt-3']);
  });

  it('never repeats a code typed elsewhere in the list, even one typed after the blank', () => {
    expect(fillCodes([{ code: '' }, { code: 'opt-1' }, { code: '' }], 'opt-').map((i) => i.code)).toEqual(['opt-2', 'opt-1', 'opt-3']);
  });

  it('gives the same list the same codes, and a saved list keeps them', () => {
    const named = (...names: string[]): { name: string; code?: string }[] => names.map((name) => ({ name }));
    const first = fillCodes(named('導入支援', '追加ID'), 'opt-');
    expect(fillCodes(named('導入支援', '追加ID'), 'opt-')).toEqual(first);
    // the saved codes come back typed; a new blank row takes the next free one
    expect(fillCodes([...first, ...named('研修')], 'opt-').map((i) => i.code)).toEqual(['opt-1', 'opt-2', 'opt-3']);
    expect(fillCodes([first[1]!, ...named('研修')], 'opt-').map((i) => i.code)).toEqual(['opt-2', 'opt-1']);
  });

  it('generates codes that every list input accepts', () => {
    for (const item of fillCodes(Array.from({ length: 120 }, () => ({})), 'crit-')) expect(item.code).toMatch(LIST_CODE_PATTERN);
  });
});
