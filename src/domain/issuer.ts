import type { EraStyle } from './format.ts';

/**
 * Who issues a consortium's documents and how they are numbered: the 発注者 block at the right of a
 * notice, the 問合せ先 at its foot, the 文書番号 at its top right, and the names a tabulation records.
 */
export interface IssuerSettings {
  /** 発注者: the consortium as it signs (熊本県市町村DX推進協議会) */
  issuerName: string;
  /** 職 (会長 熊本県知事) */
  issuerTitle: string;
  /** 氏名 (木村 敬) */
  issuerPerson: string;
  /** 所在地 */
  address: string;
  /** 担当課 (熊本県 企画振興部 デジタル戦略局) */
  department: string;
  /** 問合せ先 (電話 096-000-0000 / メール …) */
  contact: string;
  /** 文書番号: {n} is the number within the fiscal year (熊DX協第{n}号) */
  documentNumberPattern: string;
  era: EraStyle;
  /** 公印省略 (the default of an electronically issued notice) or a box for the 印 */
  seal: 'omitted' | 'box';
  /** 入札場所, 執行者 and 立会人 as a tabulation records them */
  biddingPlace: string;
  executorName: string;
  witnessName: string;
}

export const DEFAULT_NUMBER_PATTERN = '第{n}号';

/** The settings of a consortium that has saved none: its name as the issuer and plain numbers. */
export function defaultIssuer(consortiumName: string): IssuerSettings {
  return {
    issuerName: consortiumName,
    issuerTitle: '',
    issuerPerson: '',
    address: '',
    department: '',
    contact: '',
    documentNumberPattern: DEFAULT_NUMBER_PATTERN,
    era: 'wareki',
    seal: 'omitted',
    biddingPlace: '',
    executorName: '',
    witnessName: '',
  };
}

/** A 文書番号 pattern is usable when it has exactly one {n} and nothing else in braces. */
export function validNumberPattern(pattern: string): boolean {
  return (pattern.match(/\{n\}/g) ?? []).length === 1 && !/\{(?!n\})|(?<!\{n)\}/.test(pattern);
}

/** 熊DX協第{n}号 and 12 → 熊DX協第12号. */
export function documentNumber(pattern: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('a document number starts at 1');
  return pattern.replace('{n}', String(n));
}

/** The issuer's lines at the right of a notice: the body, then 職 and 氏名 on one line. */
export function issuerLines(s: IssuerSettings): string[] {
  const signer = [s.issuerTitle, s.issuerPerson].filter((v) => v.trim() !== '').join('　');
  return [s.issuerName, signer].filter((v) => v.trim() !== '');
}

/** 問合せ先 as printed at the foot of a notice. */
export function contactLines(s: IssuerSettings): string[] {
  return [s.department, s.address ? `所在地　${s.address}` : '', s.contact].filter((v) => v.trim() !== '');
}
