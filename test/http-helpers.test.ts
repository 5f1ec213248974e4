import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, toExcelCsv } from '../src/http/csv.ts';
import { attachmentDisposition } from '../src/http/disposition.ts';
import { declaresBody } from '../src/http/raw-body.ts';
import { distinctBy } from '../src/http/inputs.ts';
import { z } from 'zod';

describe('CSV for Excel', () => {
  it('starts with a BOM, ends lines with CRLF and quotes what needs quoting', () => {
    expect(toExcelCsv([['団体名', '金額'], ['熊本市, 本庁', 1000]])).toBe('\uFEFF団体名,金額\r\n"熊本市, 本庁",1000\r\n');
  });
  it('neutralises cells Excel would run as formulas', () => {
    for (const cell of ['=cmd|\' /C calc\'!A0', '+1+1', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutraliseCell(cell).startsWith("'")).toBe(true);
    }
    expect(neutraliseCell(-5)).toBe('-5');
    expect(neutraliseCell('熊本市')).toBe('熊本市');
  });
});

describe('CSV for Excel: a line break inside a cell', () => {
  it('keeps a lone CR or LF inside its quoted cell, so a formula after it never starts a row of its own', () => {
    const text = toExcelCsv([['熊本市\r=1+1', '1'], ['八代市\n@SUM(A1)', '2']]);
    expect(text).toBe('\uFEFF"熊本市\r=1+1",1\r\n"八代市\n@SUM(A1)",2\r\n');
    expect(parse(text, { bom: true })).toEqual([['熊本市\r=1+1', '1'], ['八代市\n@SUM(A1)', '2']]);
  });
});

describe('attachmentDisposition', () => {
  it('carries a Japanese name per RFC 5987 with an ASCII fallback', () => {
    expect(attachmentDisposition('参加団体一覧.csv')).toBe(
      `attachment; filename="______.csv"; filename*=UTF-8''%E5%8F%82%E5%8A%A0%E5%9B%A3%E4%BD%93%E4%B8%80%E8%A6%A7.csv`,
    );
  });
  it('keeps path separators, quotes and control characters out', () => {
    const header = attachmentDisposition('../../etc/pass"wd\r\n.pdf');
    expect(header).not.toMatch(/\.\.\/|\r|\n|pass"wd/);
  });
});

describe('a request that declares a body', () => {
  const req = (headers: Record<string, string>) => new Request('http://localhost/', { method: 'POST', headers });
  it('has a non-zero Content-Length or is chunked', () => {
    expect(declaresBody(req({ 'content-length': '12' }))).toBe(true);
    expect(declaresBody(req({ 'transfer-encoding': 'chunked' }))).toBe(true);
    expect(declaresBody(req({ 'content-length': '0' }))).toBe(false);
    expect(declaresBody(req({}))).toBe(false);
  });
});

describe('a list whose codes must not repeat', () => {
  const rows = z.array(z.object({ code: z.string() })).superRefine(distinctBy('code', 'コード'));
  it('refuses each repeat at its own row, naming the row it repeats', () => {
    const result = rows.safeParse([{ code: 'a' }, { code: 'b' }, { code: 'a' }, { code: 'a' }]);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: [2, 'code'], message: 'コード「a」が1行目と重複しています' },
      { path: [3, 'code'], message: 'コード「a」が1行目と重複しています' },
    ]);
  });
  it('accepts a list without repeats', () => {
    expect(rows.safeParse([{ code: 'a' }, { code: 'b' }]).success).toBe(true);
  });
});
