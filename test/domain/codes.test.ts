import { describe, expect, it } from 'vitest';
import { isValidCorporateNumber, isValidLocalGovernmentCode, localGovernmentCheckDigit } from '../../src/domain/codes.ts';

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
