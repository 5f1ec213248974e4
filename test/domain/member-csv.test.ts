import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsv } from '../../src/domain/csv-import.ts';
import { parseMemberCsv } from '../../src/domain/member-csv.ts';

const japanese = [
  '団体名,区分,団体コード,人口,出生数_2023,出生数_2024',
  '熊本県,都道府県,430005,"1,718,000",,',
  '熊本市,市,431001,737000,6120,5930',
  '五木村,村,435112,950,3,2',
].join('\r\n');

describe('decodeCsv', () => {
  it('reads UTF-8 with and without a BOM, and Shift_JIS as Excel saves it', () => {
    const utf8 = new TextEncoder().encode(japanese);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    const sjis = new Uint8Array(iconv.encode(japanese, 'cp932'));
    expect(decodeCsv(utf8)).toBe(japanese);
    expect(decodeCsv(bom).replace(/^\uFEFF/, '')).toBe(japanese);
    expect(decodeCsv(sjis)).toBe(japanese);
    expect(decodeCsv(sjis, 'Shift_JIS')).toBe(japanese);
  });

  it('reads CP932 characters such as ㈱ and ①', () => {
    const text = '団体名,区分\r\n㈱テスト①組合,その他';
    expect(decodeCsv(new Uint8Array(iconv.encode(text, 'cp932')))).toBe(text);
  });
});

describe('parseMemberCsv', () => {
  it('reads the Japanese header, counts with separators, and births per fiscal year', () => {
    const { members, problems } = parseMemberCsv(japanese);
    expect(problems).toEqual([]);
    expect(members).toEqual([
      { line: 2, name: '熊本県', kind: 'prefecture', code: '430005', population: 1_718_000, births: {} },
      { line: 3, name: '熊本市', kind: 'city', code: '431001', population: 737_000, births: { '2023': 6120, '2024': 5930 } },
      { line: 4, name: '五木村', kind: 'village', code: '435112', population: 950, births: { '2023': 3, '2024': 2 } },
    ]);
  });

  it('reads the English header with a BOM', () => {
    const { members, problems } = parseMemberCsv('\uFEFFname,kind,code,population,births_2024\n西原村,village,434329,6700,45\n');
    expect(problems).toEqual([]);
    expect(members[0]).toMatchObject({ name: '西原村', kind: 'village', code: '434329', births: { '2024': 45 } });
  });

  it('reports every bad row with its line number and reason', () => {
    const csv = [
      'name,kind,code,population',
      '良い市,city,431001,100',
      ',city,,100',
      '誤り市,city,431002,100',
      '区分違い,県庁,,',
      '重複市,city,431001,-5',
      '列不足,town',
    ].join('\n');
    const { problems } = parseMemberCsv(csv);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7]);
    expect(problems[0]!.message).toContain('団体名が空です');
    expect(problems[1]!.message).toContain('検査数字');
    expect(problems[2]!.message).toContain('区分「県庁」');
    expect(problems[3]!.message).toContain('2行目と重複');
    expect(problems[3]!.message).toContain('人口「-5」');
    expect(problems[4]!.message).toContain('列の数');
  });

  it('holds CSV rows to the same limits as the API: counts up to 100,000,000, fiscal years 1900–2199', () => {
    expect(parseMemberCsv('name,kind,population\n大きな市,city,100000000\n').problems).toEqual([]);
    const over = parseMemberCsv('name,kind,population\n大きすぎる市,city,100000001\n').problems;
    expect(over).toEqual([{ line: 2, message: expect.stringContaining('0以上100,000,000以下の整数') }]);
    expect(parseMemberCsv('name,kind,births_1899\n古い村,village,3\n').problems[0]!.message).toContain('1900〜2199年度');
  });

  it('counts lines in quoted cells that span lines', () => {
    const { problems } = parseMemberCsv('name,kind\n"二行の\n名前",city\n,city\n');
    expect(problems).toEqual([{ line: 4, message: '団体名が空です' }]);
  });

  it('refuses an unknown or missing header and an empty file', () => {
    expect(parseMemberCsv('名前,種類\nx,市').problems[0]).toEqual({ line: 1, message: '見出し「名前」は使えません' });
    expect(parseMemberCsv('code\n431001').problems.map((p) => p.message)).toHaveLength(2);
    expect(parseMemberCsv('').problems).toEqual([{ line: 1, message: 'ファイルが空です' }]);
  });
});
