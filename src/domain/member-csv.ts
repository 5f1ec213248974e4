import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { FISCAL_YEAR_PATTERN, MAX_MEMBER_COUNT, type MemberKind, memberKinds } from './apportionment.ts';
import { isValidLocalGovernmentCode } from './codes.ts';

/**
 * Decodes a CSV as Excel saves it in Japan: UTF-8 (with or without BOM) or Shift_JIS (CP932).
 * A declared charset wins; otherwise bytes that are not valid UTF-8 are read as CP932.
 */
export function decodeCsv(bytes: Uint8Array, declaredCharset?: string): string {
  const charset = declaredCharset?.toLowerCase();
  if (charset && /^(shift[_-]?jis|sjis|windows-31j|cp932|ms932|x-sjis)$/.test(charset)) {
    return iconv.decode(Buffer.from(bytes), 'cp932');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'cp932');
  }
}

const kindWords: Record<string, MemberKind> = {
  都道府県: 'prefecture',
  県: 'prefecture',
  府: 'prefecture',
  都: 'prefecture',
  道: 'prefecture',
  市: 'city',
  町: 'town',
  村: 'village',
  一部事務組合: 'union',
  広域連合: 'union',
  その他: 'other',
};

const headerAliases: Record<string, 'name' | 'kind' | 'code' | 'population'> = {
  name: 'name',
  団体名: 'name',
  kind: 'kind',
  区分: 'kind',
  code: 'code',
  団体コード: 'code',
  population: 'population',
  人口: 'population',
};

export interface ImportedMember {
  line: number;
  name: string;
  kind: MemberKind;
  code: string | undefined;
  population: number | undefined;
  births: Record<string, number>;
}

export interface ImportProblem {
  line: number;
  message: string;
}

/** A count as typed in Excel: digits, possibly with thousands separators or full-width digits. */
function parseCount(raw: string): number | null {
  const ascii = raw.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[,，]/g, '').trim();
  if (!/^\d{1,9}$/.test(ascii) || Number(ascii) > MAX_MEMBER_COUNT) return null;
  return Number(ascii);
}

/**
 * Reads the member list: a header row (English or Japanese names, births as births_2023 or 出生数_2023)
 * and one row per body. Every bad row is reported with its line number; the caller imports all or none.
 */
export function parseMemberCsv(text: string): { members: ImportedMember[]; problems: ImportProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }) as never;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { members: [], problems: [{ line, message: `CSVとして読み取れません（${(err as Error).message}）` }] };
  }
  if (records.length === 0) return { members: [], problems: [{ line: 1, message: 'ファイルが空です' }] };

  const [headerRecord, ...rows] = records;
  const header = headerRecord!.record.map((h) => h.trim());
  const columns: { index: number; field: 'name' | 'kind' | 'code' | 'population' | 'births'; year?: string }[] = [];
  const problems: ImportProblem[] = [];
  header.forEach((title, index) => {
    const births = /^(?:births|出生数)[_＿]?(\d{4})$/.exec(title);
    if (births && !FISCAL_YEAR_PATTERN.test(births[1]!)) problems.push({ line: 1, message: `見出し「${title}」の年度は1900〜2199年度にしてください` });
    else if (births) columns.push({ index, field: 'births', year: births[1]! });
    else if (headerAliases[title]) columns.push({ index, field: headerAliases[title]! });
    else if (title !== '') problems.push({ line: 1, message: `見出し「${title}」は使えません` });
  });
  for (const required of ['name', 'kind'] as const) {
    if (!columns.some((c) => c.field === required)) {
      problems.push({ line: 1, message: `見出しに「${required === 'name' ? '団体名 (name)' : '区分 (kind)'}」がありません` });
    }
  }
  if (problems.length > 0) return { members: [], problems };

  const members: ImportedMember[] = [];
  const seenCodes = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const rowProblems: string[] = [];
    if (record.length !== header.length) rowProblems.push(`列の数が見出し（${header.length}列）と合いません（${record.length}列）`);
    const member: ImportedMember = { line, name: '', kind: 'other', code: undefined, population: undefined, births: {} };
    for (const column of columns) {
      const raw = (record[column.index] ?? '').trim();
      switch (column.field) {
        case 'name':
          if (raw === '') rowProblems.push('団体名が空です');
          else if (raw.length > 200) rowProblems.push('団体名が長すぎます');
          // a NUL (often a UTF-16 file read as bytes) cannot be stored in a name
          else if (raw.includes('\u0000')) rowProblems.push('団体名に使用できない文字（NUL）が含まれています');
          member.name = raw;
          break;
        case 'kind': {
          const kind = kindWords[raw] ?? (memberKinds as readonly string[]).find((k) => k === raw);
          if (!kind) rowProblems.push(`区分「${raw}」は 都道府県・市・町・村・一部事務組合・その他 のいずれかにしてください`);
          else member.kind = kind as MemberKind;
          break;
        }
        case 'code':
          if (raw === '') break;
          if (!/^\d{6}$/.test(raw)) rowProblems.push(`団体コード「${raw}」は6桁の数字にしてください`);
          else if (!isValidLocalGovernmentCode(raw)) rowProblems.push(`団体コード「${raw}」の検査数字が正しくありません`);
          else if (seenCodes.has(raw)) rowProblems.push(`団体コード「${raw}」は${seenCodes.get(raw)}行目と重複しています`);
          else {
            member.code = raw;
            seenCodes.set(raw, line);
          }
          break;
        case 'population':
        case 'births': {
          if (raw === '') break;
          const value = parseCount(raw);
          const label = column.field === 'population' ? '人口' : `出生数（${column.year}年度）`;
          if (value === null) rowProblems.push(`${label}「${raw}」は0以上${MAX_MEMBER_COUNT.toLocaleString('ja-JP')}以下の整数にしてください`);
          else if (column.field === 'population') member.population = value;
          else member.births[column.year!] = value;
          break;
        }
      }
    }
    if (rowProblems.length > 0) problems.push({ line, message: rowProblems.join('、') });
    else members.push(member);
  }
  if (rows.length === 0) problems.push({ line: 2, message: 'データ行がありません' });
  return { members, problems };
}
