import { describe, expect, it } from 'vitest';
import { choiceProblems, optionCell, optionsCost, takesAnyOption, unitsTaken } from '../../src/domain/options.ts';

const backup = { code: 'backup', name: '遠隔バックアップ', kind: 'yesno' as const, price: 120_000 };
const ids = { code: 'ids', name: '追加利用者ID', kind: 'quantity' as const, price: 1_000 };
const legacy = { code: 'users', name: '利用者ID（追加分）', price: 1_000 };
const free = { code: 'sso', name: 'SSO連携', kind: 'yesno' as const };

describe('what a body’s options cost', () => {
  it('charges a yes/no option once, and only when it is ticked', () => {
    expect(optionsCost([backup], { backup: true })).toBe(120_000);
    expect(optionsCost([backup], { backup: false })).toBe(0);
    expect(optionsCost([backup], {})).toBe(0);
    // a count given for a yes/no option never multiplies its price
    expect(optionsCost([backup], { backup: 3 })).toBe(120_000);
    expect(optionsCost([backup], { backup: 0 })).toBe(0);
  });

  it('charges a quantity per unit, 0 being not taken', () => {
    expect(optionsCost([ids], { ids: 50 })).toBe(50_000);
    expect(optionsCost([ids], { ids: 0 })).toBe(0);
    expect(optionsCost([ids], { ids: false })).toBe(0);
  });

  it('reads an option stored before kinds as a quantity where a plain yes counts one', () => {
    expect(optionsCost([legacy], { users: 50 })).toBe(50_000);
    expect(optionsCost([legacy], { users: true })).toBe(1_000);
    expect(unitsTaken({ ...legacy, kind: undefined }, true)).toBe(1);
  });

  it('adds the options of the case, ignoring codes it does not have and options without a price', () => {
    expect(optionsCost([backup, ids, free], { backup: true, ids: 3, sso: true, gone: 9 })).toBe(123_000);
  });

  it('knows whether any option is taken (what a withdrawal erases)', () => {
    expect(takesAnyOption([backup, ids], { backup: false, ids: 0 })).toBe(false);
    expect(takesAnyOption([backup, ids], { ids: 2 })).toBe(true);
    expect(takesAnyOption([free], { sso: true })).toBe(true);
  });
});

describe('a body’s choice against the case’s options', () => {
  it('names the option of each problem', () => {
    expect(choiceProblems([backup, ids], { backup: true, ids: 3 })).toEqual([]);
    expect(choiceProblems([backup, ids], { backup: 3, ids: 1.5, other: true })).toEqual([
      { code: 'backup', message: '「遠隔バックアップ」は利用の有無で指定するオプションです（数量は指定できません）' },
      { code: 'ids', message: '「追加利用者ID」の数量は0以上の整数で入力してください' },
      { code: 'other', message: 'この案件にないオプションです（other）' },
    ]);
  });

  it('takes 0 and 1 for a yes/no option as no and yes', () => {
    expect(choiceProblems([backup], { backup: 1 })).toEqual([]);
    expect(choiceProblems([backup], { backup: 0 })).toEqual([]);
  });
});

describe('a body’s choice in a spreadsheet cell', () => {
  it('shows ○ for a yes/no option taken (or a plain yes) and the count for a quantity', () => {
    expect(optionCell(backup, true)).toBe('○');
    expect(optionCell(backup, 1)).toBe('○');
    expect(optionCell(ids, 3)).toBe(3);
    expect(optionCell(ids, true)).toBe('○');
  });

  it('leaves the cell empty for an option not taken, never a 0', () => {
    expect(optionCell(ids, 0)).toBe('');
    expect(optionCell(ids, undefined)).toBe('');
    expect(optionCell(backup, false)).toBe('');
    expect(optionCell(backup, 0)).toBe('');
  });
});
