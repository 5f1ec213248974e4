import { describe, expect, it } from 'vitest';
import { cleanFileName, judgeFile } from '../../src/domain/file-type.ts';

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...v].map((ch) => ch.charCodeAt(0)) : [v])));

describe('judgeFile', () => {
  it('accepts each format when content and extension agree', () => {
    expect(judgeFile('提案書.pdf', bytes('%PDF-1.7'))).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(judgeFile('見積.xlsx', bytes('PK', 3, 4, 0, 0, 0, 0)).ok).toBe(true);
    expect(judgeFile('提案.DOCX', bytes('PK', 3, 4, 0, 0, 0, 0)).ok).toBe(true);
    expect(judgeFile('資料.zip', bytes('PK', 5, 6, 0, 0, 0, 0)).ok).toBe(true);
    expect(judgeFile('旧形式.xls', bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)).ok).toBe(true);
  });

  it('refuses a renamed executable, a PDF called .docx, and other extensions', () => {
    expect(judgeFile('提案書.pdf', bytes('MZ', 0x90, 0, 3, 0, 0, 0))).toMatchObject({ ok: false, reason: expect.stringContaining('一致しません') });
    expect(judgeFile('提案書.docx', bytes('%PDF-1.4')).ok).toBe(false);
    expect(judgeFile('setup.exe', bytes('MZ')).ok).toBe(false);
    expect(judgeFile('noextension', bytes('%PDF-')).ok).toBe(false);
    expect(judgeFile('empty.pdf', bytes()).ok).toBe(false);
  });
});

describe('cleanFileName', () => {
  it('keeps only the last path segment and no control or reserved characters', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\x\\提案書.pdf')).toBe('提案書.pdf');
    expect(cleanFileName('a\u0000b<c>.pdf')).toBe('a_b_c_.pdf');
    expect(cleanFileName('..')).toBe('file');
  });
  it('normalises to NFC and shortens long names keeping the extension', () => {
    expect(cleanFileName('ハ\u309aン.pdf')).toBe('パン.pdf');
    const long = cleanFileName(`${'提'.repeat(300)}.pdf`);
    expect(long.length).toBe(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});
