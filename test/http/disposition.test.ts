import { describe, expect, it } from 'vitest';
import { shortenName } from '../../src/domain/file-type.ts';
import { MAX_DOWNLOAD_NAME, attachmentDisposition, withoutExtension } from '../../src/http/disposition.ts';

/** The name a browser takes from the header: the RFC 5987 form, decoded. */
const downloadName = (header: string) => decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(header)![1]!);
/** No lone surrogate: the text can be encoded as UTF-8. */
const wellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe('shortenName', () => {
  it('leaves a name within the limit as it is', () => {
    expect(shortenName('提案書.pdf', 10)).toBe('提案書.pdf');
    expect(shortenName('😀😀.pdf', 6)).toBe('😀😀.pdf');
  });

  it('cuts between characters, never inside a surrogate pair, and keeps the extension', () => {
    // 7 code points: 'ab', the emoji, '.pdf'; a cut at 3 UTF-16 units would split the emoji
    const cut = shortenName('ab😀cd.pdf', 7);
    expect(cut).toBe('ab😀.pdf');
    expect(wellFormed(cut)).toBe(true);
    expect(shortenName('ab😀cd.pdf', 6)).toBe('ab.pdf');
  });

  it('keeps a character with its combining mark or a joined emoji whole', () => {
    expect(shortenName('ハ\u309aハ\u309a.pdf', 7)).toBe('ハ\u309a.pdf');
    const family = '👨\u200d👩\u200d👧';
    expect(shortenName(`x${family}.pdf`, 8)).toBe('x.pdf');
  });

  it('replaces a lone surrogate, which no encoder accepts', () => {
    expect(shortenName('a\uD83Db.pdf', 20)).toBe('a\uFFFDb.pdf');
    expect(shortenName('a\uDE00.pdf', 20)).toBe('a\uFFFD.pdf');
  });
});

describe('attachmentDisposition', () => {
  it('never throws on a 179-character title followed by an emoji, and keeps .pdf', () => {
    const title = `${'仕'.repeat(179)}😀`;
    for (const name of [`${title}_仕様書.pdf`, `${'a'.repeat(179)}😀.pdf`, `${'仕'.repeat(179)}😀`]) {
      const header = attachmentDisposition(name);
      const shown = downloadName(header);
      expect([...shown].length).toBeLessThanOrEqual(MAX_DOWNLOAD_NAME);
      expect(wellFormed(shown)).toBe(true);
      if (name.endsWith('.pdf')) expect(shown.endsWith('.pdf')).toBe(true);
      expect(/filename="([^"]*)"/.exec(header)![1]).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it('cuts a long name to the limit with its extension', () => {
    const shown = downloadName(attachmentDisposition(`${'案'.repeat(300)}_仕様書.pdf`));
    expect([...shown].length).toBe(MAX_DOWNLOAD_NAME);
    expect(shown).toBe(`${'案'.repeat(MAX_DOWNLOAD_NAME - 4)}.pdf`);
  });

  it('encodes an emoji as one UTF-8 sequence and one _ in the ASCII fallback', () => {
    expect(attachmentDisposition('😀.pdf')).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''%F0%9F%98%80.pdf`);
  });

  it('survives a lone surrogate in a stored name', () => {
    expect(() => attachmentDisposition('提案\uD83D.pdf')).not.toThrow();
  });
});

describe('withoutExtension', () => {
  it('drops the extension so that a document about a file is not named ….pdf.pdf', () => {
    expect(withoutExtension('提案書.pdf')).toBe('提案書');
    expect(withoutExtension('見積.xlsx')).toBe('見積');
    expect(withoutExtension('README')).toBe('README');
    expect(withoutExtension('.pdf')).toBe('.pdf');
  });
});
