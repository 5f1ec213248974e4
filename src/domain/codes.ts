/** Whether a 6-digit 地方公共団体コード carries the right check digit (weights 6,5,4,3,2; mod 11). */
export function isValidLocalGovernmentCode(code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return localGovernmentCheckDigit(code.slice(0, 5)) === Number(code[5]);
}

/** The check digit for the first five digits of a 地方公共団体コード. */
export function localGovernmentCheckDigit(first5: string): number {
  const weights = [6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first5[i]), 0);
  return (11 - (sum % 11)) % 10;
}

/** Whether a 13-digit 法人番号 carries the right leading check digit (国税庁の算式). */
export function isValidCorporateNumber(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  const body = value.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const digit = Number(body[12 - n]);
    sum += digit * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9) === Number(value[0]);
}

/** The shape every generated or typed list code takes: letters, digits, - and _, at most 40. */
export const LIST_CODE_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Gives every item of a list a code: a code already typed is kept as it is; a blank one becomes
 * `${prefix}${n}` with the smallest n ≥ 1 that no other item of the list uses. The same list always
 * gets the same codes, and no generated code repeats one typed elsewhere in the list.
 */
export function fillCodes<T extends { code?: string | null | undefined }>(items: readonly T[], prefix: string): (T & { code: string })[] {
  const used = new Set(items.map((i) => (i.code ?? '').trim()).filter((code) => code !== ''));
  let n = 0;
  return items.map((item) => {
    const typed = (item.code ?? '').trim();
    if (typed !== '') return { ...item, code: typed };
    let code: string;
    do code = `${prefix}${++n}`;
    while (used.has(code));
    used.add(code);
    return { ...item, code };
  });
}
