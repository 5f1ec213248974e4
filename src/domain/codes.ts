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
