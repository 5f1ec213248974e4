const yenNumber = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 0 });

/** Integer yen with thousands separators: 1234567 → "1,234,567円". A fraction of a yen is a bug, not a value. */
export function formatYen(amount: number | bigint): string {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount)) throw new RangeError(`not an integer yen amount: ${amount}`);
  return `${yenNumber.format(amount)}円`;
}
