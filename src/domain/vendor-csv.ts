import { parse } from 'csv-parse/sync';
import { isValidCorporateNumber } from './codes.ts';
import type { ImportProblem } from './member-csv.ts';

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

const MAX_NAME = 200;

/** A 法人番号 as typed in Excel: full-width digits and spaces or hyphens between groups are accepted. */
function normaliseNumber(raw: string): string {
  return raw.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000\-－‐]/g, '');
}

/** Reads the list; every bad row is reported with its line number, and the caller imports all or none. */
export function parseQualifiedVendorCsv(text: string): { vendors: QualifiedVendor[]; problems: ImportProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }) as never;
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { vendors: [], problems: [{ line, message: `CSVとして読み取れません（${(err as Error).message}）` }] };
  }
  if (records.length === 0) return { vendors: [], problems: [{ line: 1, message: 'ファイルが空です' }] };

  const [headerRecord, ...rows] = records;
  const header = headerRecord!.record.map((h) => h.trim());
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
  for (const { record, info } of rows) {
    const line = info.lines;
    const rowProblems: string[] = [];
    if (record.length !== header.length) rowProblems.push(`列の数が見出し（${header.length}列）と合いません（${record.length}列）`);
    const name = (record[columns.name!] ?? '').trim();
    if (name === '') rowProblems.push('商号が空です');
    else if (name.length > MAX_NAME) rowProblems.push(`商号が長すぎます（${MAX_NAME}文字まで）`);
    // a NUL (often a UTF-16 file read as bytes) cannot be stored in a name
    else if (name.includes('\u0000')) rowProblems.push('商号に使用できない文字（NUL）が含まれています');
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
