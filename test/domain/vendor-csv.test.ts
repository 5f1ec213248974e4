import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsv } from '../../src/domain/csv-import.ts';
import { parseQualifiedVendorCsv } from '../../src/domain/vendor-csv.ts';

const japanese = ['登録番号,商号又は名称,所在地,法人番号', '1,株式会社肥後情報システム,熊本市,7000012050002', '2,㈱火の国ソフトウェア,八代市,4010001234567'].join('\r\n');

describe('parseQualifiedVendorCsv', () => {
  it('reads the Japanese header, passing over columns it does not use, from UTF-8 with BOM and Shift_JIS', () => {
    const expected = [
      { line: 2, name: '株式会社肥後情報システム', corporateNumber: '7000012050002' },
      { line: 3, name: '㈱火の国ソフトウェア', corporateNumber: '4010001234567' },
    ];
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(japanese)]);
    expect(parseQualifiedVendorCsv(decodeCsv(bom))).toEqual({ vendors: expected, problems: [] });
    expect(parseQualifiedVendorCsv(decodeCsv(new Uint8Array(iconv.encode(japanese, 'cp932'))))).toEqual({ vendors: expected, problems: [] });
  });

  it('reads the English header, and numbers typed with full-width digits or hyphens', () => {
    const { vendors, problems } = parseQualifiedVendorCsv('corporate_number,name\n７０００-０１２０-５０００２,Kumamoto Systems\n7 0000 1205 0002 ,x\n');
    expect(problems).toEqual([{ line: 3, message: '法人番号「7 0000 1205 0002」は2行目と重複しています' }]);
    expect(vendors).toEqual([{ line: 2, name: 'Kumamoto Systems', corporateNumber: '7000012050002' }]);
  });

  it('reports every bad row with its line number', () => {
    const text = [
      '商号,法人番号',
      '良い会社,7000012050002',
      ',4010001234567',
      '検査数字違い,7000012050003',
      '桁不足,700001205000',
      '指数表示,7.00001E+12',
      '空番号,',
      '列が多い,8900000000001,余分',
      '重複,7000012050002',
      `${'長'.repeat(201)},7900000000002`,
      '悪い\u0000名前,7123456789012',
    ].join('\n');
    const { problems } = parseQualifiedVendorCsv(text);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(problems[0]!.message).toBe('商号が空です');
    expect(problems[1]!.message).toContain('検査数字が正しくありません');
    expect(problems[2]!.message).toContain('13桁の数字にしてください');
    expect(problems[3]!.message).toContain('指数表示');
    expect(problems[4]!.message).toBe('法人番号が空です');
    expect(problems[5]!.message).toContain('列の数が見出し（2列）と合いません（3列）');
    expect(problems[6]!.message).toContain('2行目と重複しています');
    expect(problems[7]!.message).toContain('商号が長すぎます');
    expect(problems[8]!.message).toContain('NUL');
  });

  it('needs both columns in the header, and at least one row', () => {
    expect(parseQualifiedVendorCsv('名称,所在地\nx,y\n').problems).toEqual([{ line: 1, message: '見出しに「法人番号 (corporate_number)」がありません' }]);
    expect(parseQualifiedVendorCsv('法人番号\n7000012050002\n').problems).toEqual([{ line: 1, message: '見出しに「商号 (name)」がありません' }]);
    expect(parseQualifiedVendorCsv('商号,名称,法人番号\na,b,7000012050002\n').problems).toEqual([{ line: 1, message: '見出し「名称」が重複しています' }]);
    expect(parseQualifiedVendorCsv('商号,法人番号\n').problems).toEqual([{ line: 2, message: 'データ行がありません' }]);
    expect(parseQualifiedVendorCsv('').problems).toEqual([{ line: 1, message: 'ファイルが空です' }]);
    expect(parseQualifiedVendorCsv('商号,法人番号\n"unterminated,7000012050002\n').problems[0]!.message).toContain('CSVとして読み取れません');
  });
});
