import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { type Scratch, qpdfCheck, rawText } from '../documents/pdf-tools.ts';
import type { Harness } from './harness.ts';

/** A consortium's issuer settings as a test sets them (PUT /api/consortium/settings). */
export const issuerSettingsBody = {
  issuerName: '熊本県市町村DX推進協議会',
  issuerTitle: '会長　熊本県知事',
  issuerPerson: '木村 敬',
  address: '熊本市中央区水前寺6丁目18番1号',
  department: '熊本県 企画振興部 デジタル戦略局',
  contact: '電話 096-333-2153　メール dx-kyogikai@pref.example.jp',
  documentNumberPattern: '熊DX協第{n}号',
  era: 'wareki',
  seal: 'omitted',
  biddingPlace: '熊本県庁 行政棟本館 入札室',
  executorName: '契約担当 課長補佐 田中 一郎',
  witnessName: '総務課 主事 佐藤 花子',
};

export interface IssuedListing {
  kind: string;
  version: number;
  number: string;
  issuedAt: string;
  sha256: string;
  url: string;
  signed: boolean;
}

export interface IssuedCopy extends IssuedListing {
  bytes: Uint8Array;
  /** the text layer, whitespace removed */
  text: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Every issued version of a case's documents, each downloaded twice and checked as a record: the same
 * bytes both times, the SHA-256 the list gives, a structure qpdf accepts, its 文書番号 in the text layer.
 */
export async function issuedDocuments(h: Harness, scratch: Scratch, caseId: string, token: string): Promise<IssuedCopy[]> {
  const list = await h.call('GET', `/api/cases/${caseId}/documents`, { token });
  expect(list.status).toBe(200);
  const documents = (list.body as { documents: IssuedListing[] }).documents;
  const copies: IssuedCopy[] = [];
  for (const d of documents) {
    const first = await h.call('GET', d.url, { token });
    expect(first.status, d.url).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    const second = await h.call('GET', d.url, { token });
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes)), `${d.kind} 第${d.version}版 downloads byte-identical`).toBe(true);
    expect(sha256(first.bytes), `${d.kind} 第${d.version}版 has the listed SHA-256`).toBe(d.sha256);
    const path = scratch.write(`${caseId}-${d.kind}-${d.version}.pdf`, first.bytes);
    expect(() => qpdfCheck(path)).not.toThrow();
    const text = rawText(path);
    expect(text, `${d.kind} carries its number`).toContain(d.number.replace(/\s+/g, ''));
    copies.push({ ...d, bytes: first.bytes, text });
  }
  return copies;
}

/** The issued copies of before are still there, byte for byte, whatever happened since. */
export async function expectUnchanged(h: Harness, caseId: string, token: string, before: readonly IssuedCopy[]): Promise<void> {
  for (const d of before) {
    const again = await h.call('GET', d.url, { token });
    expect(again.status).toBe(200);
    expect(Buffer.from(again.bytes).equals(Buffer.from(d.bytes)), `${d.kind} 第${d.version}版 is the same file after later changes`).toBe(true);
  }
  const list = (await h.call('GET', `/api/cases/${caseId}/documents`, { token })).body as { documents: IssuedListing[] };
  for (const d of before) expect(list.documents.find((x) => x.kind === d.kind && x.version === d.version)?.sha256).toBe(d.sha256);
}
