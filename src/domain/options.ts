/**
 * The options of a case (オプション) and what a body's choice of them costs. An option is either
 * taken or not (yes/no: one tick box, charged once) or taken in a number (quantity: a count, 0 = not
 * taken). An option stored before kinds existed is read as a quantity, where a plain "yes" counts one.
 */

export const optionKinds = ['yesno', 'quantity'] as const;
export type OptionKind = (typeof optionKinds)[number];

export const optionKindLabels: Record<OptionKind, string> = {
  yesno: '利用の有無',
  quantity: '数量',
};

export interface KindedOption {
  code: string;
  name: string;
  kind?: OptionKind | undefined;
  /** yen per unit (per body for a yes/no option), tax excluded */
  price?: number | null | undefined;
}

/** A body's answer for one option: taken or not, or a quantity. */
export type OptionChoice = boolean | number;

export const kindOf = (option: { kind?: OptionKind | undefined }): OptionKind => option.kind ?? 'quantity';

/** How many units of the option the choice takes: a yes/no option at most one, a quantity its count (a plain yes is one). */
export function unitsTaken(option: { kind?: OptionKind | undefined }, choice: OptionChoice | undefined): number {
  if (choice === undefined || choice === false) return 0;
  if (kindOf(option) === 'yesno') return choice === true || choice > 0 ? 1 : 0;
  return choice === true ? 1 : choice > 0 ? choice : 0;
}

/** What a body's options cost in a year: Σ price × units taken, over the options of the case (unknown codes cost nothing). */
export function optionsCost(options: readonly KindedOption[], chosen: Readonly<Record<string, OptionChoice>>): number {
  let cost = 0;
  for (const option of options) {
    if (option.price) cost += option.price * unitsTaken(option, chosen[option.code]);
  }
  return cost;
}

/**
 * The problems of a body's choice against the case's options, each naming the option: a code the case
 * does not have, a quantity given for a yes/no option, or a quantity that is not a whole number ≥ 0.
 */
export function choiceProblems(options: readonly KindedOption[], chosen: Readonly<Record<string, OptionChoice>>): { code: string; message: string }[] {
  const byCode = new Map(options.map((o) => [o.code, o]));
  const problems: { code: string; message: string }[] = [];
  for (const [code, choice] of Object.entries(chosen)) {
    const option = byCode.get(code);
    if (!option) problems.push({ code, message: `この案件にないオプションです（${code}）` });
    else if (kindOf(option) === 'yesno' && typeof choice === 'number' && choice !== 0 && choice !== 1) {
      problems.push({ code, message: `「${option.name}」は利用の有無で指定するオプションです（数量は指定できません）` });
    } else if (typeof choice === 'number' && !(Number.isInteger(choice) && choice >= 0)) {
      problems.push({ code, message: `「${option.name}」の数量は0以上の整数で入力してください` });
    }
  }
  return problems;
}

/** Whether a body has taken any option (what a withdrawal before the award erases). */
export function takesAnyOption(options: readonly KindedOption[], chosen: Readonly<Record<string, OptionChoice>>): boolean {
  return options.some((o) => unitsTaken(o, chosen[o.code]) > 0);
}

/**
 * A body's choice as one cell of a spreadsheet: ○ for a yes/no option taken (or a plain yes), the
 * count for a quantity taken, and an empty cell for anything not taken (never a 0 that reads like an order).
 */
export function optionCell(option: { kind?: OptionKind | undefined }, choice: OptionChoice | undefined): string | number {
  const units = unitsTaken(option, choice);
  if (units === 0) return '';
  return choice === true || kindOf(option) === 'yesno' ? '○' : units;
}
