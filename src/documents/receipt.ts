import { createDocument } from './layout.ts';

/** What a receipt (受付票) states: everything comes from the stored file row, nothing from the request. */
export interface ReceiptPayload {
  consortiumName: string;
  caseTitle: string;
  vendorName: string;
  purpose: 'rfi' | 'proposal';
  fileId: string;
  fileName: string;
  size: number;
  sha256: string;
  receivedAt: Date;
  issuedAt: Date;
}

const purposeLabels = { rfi: '情報提供依頼（RFI）の添付資料', proposal: '提案書類' } as const;

/** The exact receipt time in Japan, to the millisecond: "2026年6月1日 9時00分00秒.000". */
export function receiptTime(at: Date): string {
  const parts = new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const ms = String(at.getUTCMilliseconds()).padStart(3, '0');
  return `${get('year')}年${get('month')}月${get('day')}日 ${get('hour')}時${get('minute')}分${get('second')}.${ms}秒（日本時間）`;
}

/** One page: what was received, from whom, when to the millisecond, and the SHA-256 of the bytes. */
export async function renderReceipt(p: ReceiptPayload): Promise<Uint8Array> {
  const doc = await createDocument({ title: '受付票', author: p.consortiumName, subject: p.caseTitle, issuedAt: p.issuedAt });
  doc
    .titleBlock(p.caseTitle)
    .paragraph(`${p.vendorName} 様`)
    .paragraph('次のとおり受け付けました。')
    .keyValue([
      ['案件名', p.caseTitle],
      ['提出者', p.vendorName],
      ['種別', purposeLabels[p.purpose]],
      ['ファイル名', p.fileName],
      ['サイズ', `${p.size.toLocaleString('ja-JP')} バイト`],
      ['受付日時', receiptTime(p.receivedAt)],
      ['SHA-256', p.sha256],
      ['受付番号', p.fileId],
    ])
    .space(12)
    .paragraph(
      'SHA-256 は受け付けたファイルの内容から計算した値です。お手元のファイルから計算した値（Windows では certutil -hashfile ファイル名 SHA256）と一致すれば、同じ内容が受け付けられたことを確認できます。',
    );
  return doc.finish();
}
