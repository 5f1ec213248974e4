import { describe, expect, it } from 'vitest';
import { fiscalYearLabel, fiscalYearOf } from '../../src/domain/fiscal-year.ts';

describe('fiscal years', () => {
  it('start on 1 April in Japan, whatever the UTC date', () => {
    expect(fiscalYearOf(new Date('2026-03-31T23:59:59.999+09:00'))).toBe(2025);
    expect(fiscalYearOf(new Date('2026-04-01T00:00:00.000+09:00'))).toBe(2026);
    // 1 April 08:00 in Japan is still 31 March in UTC
    expect(fiscalYearOf(new Date('2026-03-31T23:00:00.000Z'))).toBe(2026);
    expect(fiscalYearOf(new Date('2027-01-15T12:00:00.000+09:00'))).toBe(2026);
  });

  it('are labelled with the Reiwa year, 元年度 for the first', () => {
    expect(fiscalYearLabel(2027)).toBe('2027年度（令和9年度）');
    expect(fiscalYearLabel(2019)).toBe('2019年度（令和元年度）');
    expect(fiscalYearLabel(2018)).toBe('2018年度');
    // as a consortium that prints 和暦 first writes it
    expect(fiscalYearLabel(2026, 'wareki')).toBe('令和8年度（2026年度）');
    expect(fiscalYearLabel(2019, 'wareki')).toBe('令和元年度（2019年度）');
  });
});
