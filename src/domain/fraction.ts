/** An exact rational number, so that scores compare exactly and a tie is a real tie. */
export class Fraction {
  readonly n: bigint;
  readonly d: bigint;

  private constructor(n: bigint, d: bigint) {
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }

  static readonly ZERO = new Fraction(0n, 1n);
  static readonly ONE = new Fraction(1n, 1n);

  static of(n: bigint | number, d: bigint | number = 1n): Fraction {
    return new Fraction(BigInt(n), BigInt(d));
  }

  /** A decimal written in at most a few places, e.g. 0.75 or "12.5", exactly. */
  static decimal(value: number | string): Fraction {
    const text = typeof value === 'number' ? decimalText(value) : value.trim();
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) throw new RangeError(`not a decimal: ${value}`);
    const [, sign, whole, fraction = ''] = match;
    const n = BigInt(`${whole}${fraction}`) * (sign ? -1n : 1n);
    return new Fraction(n, 10n ** BigInt(fraction.length));
  }

  add(o: Fraction): Fraction {
    return new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Fraction): Fraction {
    return new Fraction(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Fraction): Fraction {
    return new Fraction(this.n * o.n, this.d * o.d);
  }
  div(o: Fraction): Fraction {
    return new Fraction(this.n * o.d, this.d * o.n);
  }
  /** negative, zero or positive as this is less than, equal to or greater than `o` */
  cmp(o: Fraction): number {
    const diff = this.n * o.d - o.n * this.d;
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  }
  equals(o: Fraction): boolean {
    return this.cmp(o) === 0;
  }
  toNumber(): number {
    return Number(this.n) / Number(this.d);
  }
  static sum(values: readonly Fraction[]): Fraction {
    return values.reduce((a, b) => a.add(b), Fraction.ZERO);
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/**
 * Whether a number, read as the decimal it was typed as, has at most `places` decimal places
 * (8.2 has one, though 8.2 × 100 is 819.999… in binary floating point).
 */
export function hasAtMostDecimals(value: number, places: number): boolean {
  if (!Number.isFinite(value)) return false;
  const fraction = decimalText(Math.abs(value)).split('.')[1] ?? '';
  return fraction.length <= places;
}

/** A JavaScript number as the decimal it was typed as (0.1 → "0.1", not its binary expansion). */
export function decimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}
