import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../src/errors.ts';
import { neutraliseCell, toExcelCsv } from '../../src/http/csv.ts';
import { parseWith } from '../../src/http/json.ts';
import { fieldLabel, useJapaneseMessages } from '../../src/http/validation-messages.ts';
import { fieldErrors, formError, typedNumber } from '../../src/routes/pages/form.ts';
import { apportionmentInput } from '../../src/services/apportionment.ts';

beforeAll(() => useJapaneseMessages());

/** The messages a schema gives a value, as a form shows them. */
function refusal(schema: z.ZodType, value: unknown): { message: string; fields: Record<string, string> } {
  try {
    parseWith(schema, value);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { message: formError(err), fields: { ...fieldErrors(err) } };
  }
  throw new Error('accepted');
}

const form = z.strictObject({
  title: z.string().trim().min(1).max(10),
  amount: z.int().min(0),
  email: z.email(),
  fiscalYear: z.int().min(2000).max(2100),
  options: z.array(z.strictObject({ price: z.int().min(0).nullable() })),
});
const good = { title: '件名', amount: 1, email: 'a@example.jp', fiscalYear: 2026, options: [] };

describe('plain Japanese validation messages', () => {
  it('names the field and what is expected, never the validator text', () => {
    const { message, fields } = refusal(form, { ...good, amount: Number.NaN, title: '', email: 'x' });
    expect(fields).toEqual({ amount: '金額は数字で入力してください', title: '件名を入力してください', email: 'メールアドレスはメールアドレスの形式（例: name@example.jp）で入力してください' });
    expect(message).not.toMatch(/無効|NaN|期待|expected|Invalid/);
  });

  it('says the bounds of numbers and text in the field’s terms', () => {
    expect(refusal(form, { ...good, amount: -5 }).fields).toEqual({ amount: '金額は0以上の数字で入力してください' });
    expect(refusal(form, { ...good, fiscalYear: 1999 }).fields).toEqual({ fiscalYear: '年度は2,000以上の数字で入力してください' });
    expect(refusal(form, { ...good, title: 'あ'.repeat(11) }).fields).toEqual({ title: '件名は10文字以内で入力してください' });
    expect(refusal(form, { ...good, amount: 1.5 }).fields).toEqual({ amount: '金額は整数（小数点なし）で入力してください' });
  });

  it('names the row of a repeated field', () => {
    expect(refusal(form, { ...good, options: [{ price: 1 }, { price: Number.NaN }] }).fields).toEqual({ 'options.1.price': '2行目の価格は数字で入力してください' });
    expect(fieldLabel(['volumePricing', 'tiers', 0, 'amount'])).toBe('1行目の金額');
    expect(fieldLabel(['somethingUnknown'])).toBe('入力');
  });

  it('keeps a message the schema gives itself', () => {
    const own = z.strictObject({ price: z.int({ error: '提案価格は円単位の整数で入力してください' }) });
    expect(refusal(own, { price: Number.NaN }).fields).toEqual({ price: '提案価格は円単位の整数で入力してください' });
  });

  it('refuses an unknown choice and a missing value plainly', () => {
    expect(refusal(apportionmentInput, { method: 'magic' }).fields).toEqual({ method: '方式は選択肢の中から選んでください' });
    expect(refusal(apportionmentInput, { method: 'equal', total: Number.NaN }).fields.total).toBe('総額は数字で入力してください');
    expect(refusal(z.strictObject({ kind: z.enum(['a', 'b']) }), {}).fields).toEqual({ kind: '区分を選んでください' });
  });
});

describe('typedNumber, the parser of every number field', () => {
  it('reads full-width digits, commas, 円 and spaces', () => {
    expect(typedNumber('１２３,４５６円')).toBe(123456);
    expect(typedNumber(' 1，000 円 ')).toBe(1000);
    expect(typedNumber('−５')).toBe(-5);
    expect(typedNumber('')).toBeUndefined();
    expect(typedNumber('十二')).toBeNaN();
    expect(typedNumber('1.5')).toBeNaN();
  });

  it('reads a fraction only where one is allowed', () => {
    expect(typedNumber('０．３', { decimal: true })).toBe(0.3);
    expect(typedNumber('.25', { decimal: true })).toBe(0.25);
    expect(typedNumber('1.2.3', { decimal: true })).toBeNaN();
  });
});

describe('CSV dates', () => {
  it('prints a time as Japan time in the form Excel reads', () => {
    expect(neutraliseCell(new Date('2026-12-01T00:00:00Z'))).toBe('2026/12/01 09:00');
    expect(neutraliseCell(new Date('2026-11-30T15:00:00Z'))).toBe('2026/12/01 00:00');
    expect(toExcelCsv([['公告日'], [new Date('2026-12-31T14:59:00Z')]])).toBe('\uFEFF公告日\r\n2026/12/31 23:59\r\n');
  });
});
