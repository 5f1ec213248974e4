import { z } from 'zod';

/** Input pieces shared by several routes. */
export const emailInput = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'メールアドレスの形式ではありません' }))
  .transform((v) => v.toLowerCase());

export const passwordInput = z
  .string()
  .min(10, { message: 'パスワードは10文字以上にしてください' })
  .max(200, { message: 'パスワードは200文字以内にしてください' });

export const nameInput = z.string().trim().min(1, { message: '名前を入力してください' }).max(200);

export const idParam = z.string().min(1).max(64);

/**
 * Whether a code may become a key of stored answers, option choices, scores or intents: a name every
 * object already has (constructor, __proto__, toString …) would read as answered, or vanish, so it is refused.
 */
export const isUsableKey = (code: string): boolean => !(code in Object.prototype);
export const unusableKeyMessage = 'constructor・__proto__・toString などはコードに使えません';

const fiscalYearMessage = { message: '年度は2000〜2100の西暦で指定してください' };
/** A fiscal year (年度) in a JSON body, as its western year. */
export const fiscalYearInput = z.number().int(fiscalYearMessage).min(2000, fiscalYearMessage).max(2100, fiscalYearMessage);
/** A fiscal year in a path or a query string. */
export const fiscalYearParam = z.coerce.number().int(fiscalYearMessage).min(2000, fiscalYearMessage).max(2100, fiscalYearMessage);

/**
 * A list's rule that `field` is not repeated: each repeat is refused at its own row
 * (path [row, field]), naming the value and the row it repeats, e.g. 「要件番号「F-1」が1行目と重複しています」.
 */
export function distinctBy<T>(field: keyof T & string, label: string, place: (row: number) => string = (row) => `${row}行目`) {
  return (list: readonly T[], ctx: z.RefinementCtx): void => {
    const firstRow = new Map<unknown, number>();
    list.forEach((item, i) => {
      const value = item[field];
      const first = firstRow.get(value);
      if (first === undefined) firstRow.set(value, i);
      else ctx.addIssue({ code: 'custom', path: [i, field], message: `${label}「${String(value)}」が${place(first + 1)}と重複しています` });
    });
  };
}
