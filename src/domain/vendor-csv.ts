import { isValidCorporateNumber } from './codes.ts';
import { type ImportProblem, asciiDigits, columnCountProblem, nameProblem, readCsvTable } from './csv-import.ts';

/**
 * The consortium's list of qualified bidders (入札参加資格者名簿) as the secretariat keeps it in Excel:
 * a header row naming the 商号 and 法人番号 columns (English or Japanese; other columns, such as
 * 所在地 or 代表者, are passed over) and one row per company.
 */

const headerAliases: Record<string, 'name' | 'corporateNumber'> = {
  name: 'name',
  companyname: 'name',
  company_name: 'name',
  商号: 'name',
  名称: 'name',
  商号又は名称: 'name',
  商号または名称: 'name',
  事業者名: 'name',
  corporatenumber: 'corporateNumber',
  corporate_number: 'corporateNumber',
  法人番号: 'corporateNumber',
};

export interface QualifiedVendor {
  line: number;
  name: string;
  corporateNumber: string;
}

/** A 法人番号 as typed in Excel: full-width digits and spaces or hyphens between groups are accepted. */
function normaliseNumber(raw: string): string {
  return asciiDigits(raw).replace(/[\s\u3000\-－‐]/g, '');
}

/** Reads the list; every bad row is reported with its line number, and the caller imports all or none. */
export function parseQualifiedVendorCsv(text: string): { vendors: QualifiedVendor[]; problems: ImportProblem[] } {
  const table = readCsvTable(text);
  if ('problems' in table) return { vendors: [], problems: table.problems };
  const { header, rows } = table;
  const columns: Partial<Record<'name' | 'corporateNumber', number>> = {};
  const problems: ImportProblem[] = [];
  header.forEach((title, index) => {
    const field = headerAliases[title] ?? headerAliases[title.toLowerCase().replace(/\s+/g, '')];
    if (!field) return;
    if (columns[field] !== undefined) problems.push({ line: 1, message: `見出し「${title}」が重複しています` });
    else columns[field] = index;
  });
  if (columns.name === undefined) problems.push({ line: 1, message: '見出しに「商号 (name)」がありません' });
  if (columns.corporateNumber === undefined) problems.push({ line: 1, message: '見出しに「法人番号 (corporate_number)」がありません' });
  if (problems.length > 0) return { vendors: [], problems };

  const vendors: QualifiedVendor[] = [];
  const seen = new Map<string, number>();
  for (const { record, line } of rows) {
    const rowProblems: string[] = [];
    const columnProblem = columnCountProblem(record, header);
    if (columnProblem) rowProblems.push(columnProblem);
    const name = (record[columns.name!] ?? '').trim();
    const problem = nameProblem(name, '商号');
    if (problem) rowProblems.push(problem);
    const raw = (record[columns.corporateNumber!] ?? '').trim();
    const corporateNumber = normaliseNumber(raw);
    if (raw === '') rowProblems.push('法人番号が空です');
    else if (/^\d+(\.\d+)?E\+\d+$/i.test(raw)) rowProblems.push(`法人番号「${raw}」が指数表示になっています（Excel で文字列として保存してください）`);
    else if (!/^\d{13}$/.test(corporateNumber)) rowProblems.push(`法人番号「${raw}」は13桁の数字にしてください`);
    else if (!isValidCorporateNumber(corporateNumber)) rowProblems.push(`法人番号「${raw}」の検査数字が正しくありません`);
    else if (seen.has(corporateNumber)) rowProblems.push(`法人番号「${raw}」は${seen.get(corporateNumber)}行目と重複しています`);
    else seen.set(corporateNumber, line);
    if (rowProblems.length > 0) problems.push({ line, message: rowProblems.join('、') });
    else vendors.push({ line, name, corporateNumber });
  }
  if (rows.length === 0) problems.push({ line: 2, message: 'データ行がありません' });
  return { vendors, problems };
}
