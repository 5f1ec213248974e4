import { describe, expect, it } from 'vitest';
import { dateTime, isoDate, keptOrTyped, points } from '../src/views/format.ts';

describe('formats shown to users', () => {
  it('dates in Japan time, whatever the server zone', () => {
    // 23:30 UTC on 31 March is already 1 April in Japan: the first day of the fiscal year
    expect(isoDate('2026-03-31T23:30:00Z')).toBe('2026-04-01');
    expect(isoDate(new Date('2026-04-01T08:59:00+09:00'))).toBe('2026-04-01');
    expect(dateTime('2026-03-31T23:30:00Z')).toBe('2026/04/01 08:30');
  });

  it('points to at most two decimals', () => {
    expect(points(38.833333)).toBe('38.83');
    expect(points(40)).toBe('40');
    expect(points(1234.5)).toBe('1,234.5');
  });

  it('a time left as the form showed it keeps its stored milliseconds; a changed one is read as Japan time', () => {
    const stored = new Date('2026-06-09T08:00:59.999Z');
    expect(keptOrTyped('2026-06-09T17:00', stored)).toBe('2026-06-09T08:00:59.999Z');
    expect(keptOrTyped('2026-06-10T17:00', stored)).toBe('2026-06-10T17:00:00.000+09:00');
    expect(keptOrTyped('2026-06-09T17:00', null)).toBe('2026-06-09T17:00:00.000+09:00');
    expect(keptOrTyped('', stored)).toBeNull();
  });
});
