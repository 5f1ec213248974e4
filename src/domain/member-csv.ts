import { FISCAL_YEAR_PATTERN, MAX_MEMBER_COUNT, type MemberKind, memberKinds } from './apportionment.ts';
import { isValidLocalGovernmentCode } from './codes.ts';
import { type ImportProblem, asciiDigits, columnCountProblem, nameProblem, readCsvTable } from './csv-import.ts';

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

/** A count as typed in Excel: digits, possibly with thousands separators or full-width digits. */
function parseCount(raw: string): number | null {
  const ascii = asciiDigits(raw).replace(/[,，]/g, '').trim();
  if (!/^\d{1,9}$/.test(ascii) || Number(ascii) > MAX_MEMBER_COUNT) return null;
  return Number(ascii);
}

/**
 * Reads the member list: a header row (English or Japanese names, births as births_2023 or 出生数_2023)
 * and one row per body. Every bad row is reported with its line number; the caller imports all or none.
 */
export function parseMemberCsv(text: string): { members: ImportedMember[]; problems: ImportProblem[] } {
  const table = readCsvTable(text);
  if ('problems' in table) return { members: [], problems: table.problems };
  const { header, rows } = table;
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
  for (const { record, line } of rows) {
    const rowProblems: string[] = [];
    const columnProblem = columnCountProblem(record, header);
    if (columnProblem) rowProblems.push(columnProblem);
    const member: ImportedMember = { line, name: '', kind: 'other', code: undefined, population: undefined, births: {} };
    for (const column of columns) {
      const raw = (record[column.index] ?? '').trim();
      switch (column.field) {
        case 'name': {
          const problem = nameProblem(raw, '団体名');
          if (problem) rowProblems.push(problem);
          member.name = raw;
          break;
        }
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
