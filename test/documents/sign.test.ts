import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { extractSignature } from '@signpdf/utils';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningError, loadSigningCertificate, signIssuedDocument } from '../../src/documents/sign.ts';
import { type DocumentPayload, renderTemplate } from '../../src/documents/template.ts';
import { Scratch, assertPdfToolsInstalled, qpdfCheck, rawText } from './pdf-tools.ts';

const scratch = new Scratch();
const PASSPHRASE = 'test-passphrase-1';

/** A throwaway self-signed certificate and key as PKCS#12: OpenSSL 3's default encryption, or the legacy 3DES one. */
function makeP12(dir: Scratch, name: string, options: { legacy?: boolean; days?: number } = {}): string {
  const key = dir.path(`${name}.key.pem`);
  const cert = dir.path(`${name}.cert.pem`);
  const p12 = dir.path(`${name}.p12`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(options.days ?? 30), '-utf8', '-subj', '/C=JP/O=Test/CN=テスト共同調達協議会'], { stdio: 'ignore' });
  execFileSync('openssl', ['pkcs12', '-export', ...(options.legacy ? ['-legacy'] : []), '-inkey', key, '-in', cert, '-out', p12, '-passout', `pass:${PASSPHRASE}`], { stdio: 'ignore' });
  return p12;
}

/** What `pdfsig` says of a file (it exits non-zero for an untrusted certificate, so its status is not looked at). */
function pdfsig(path: string): string {
  const run = spawnSync('pdfsig', [path], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return `${run.stdout}${run.stderr}`;
}

const info = (signedAt = new Date()) => ({
  reason: '仕様書の発行（熊電協第12号）',
  name: '熊本県市町村電子自治体共同運営協議会',
  location: '熊本市中央区水前寺6丁目18番1号',
  signedAt,
});

const payload: DocumentPayload = {
  tables: { requirements: { columns: [{ header: '要件' }, { header: '区分' }], rows: [['本人確認の記録を残すこと。', '必須']] } },
  case: { title: '文書管理システム', fiscalYearLabel: '令和8年度', methodLabel: '公募型プロポーザル', contractModeLabel: '一括契約', descriptionLines: ['文書の作成から廃棄までを管理する。'] },
  sections: [],
};

let p12: string;
let drawn: Uint8Array;

beforeAll(async () => {
  assertPdfToolsInstalled();
  p12 = makeP12(scratch, 'signer');
  drawn = (await renderTemplate('spec', payload, { author: '熊本県市町村電子自治体共同運営協議会', issuedAt: new Date('2026-04-01T09:00:00+09:00'), number: '熊電協第12号' })).bytes;
});
afterAll(() => scratch.remove());

const pdfinfo = (path: string) => execFileSync('pdfinfo', ['-isodates', path], { encoding: 'utf8' });
const metadata = (path: string) =>
  pdfinfo(path)
    .split('\n')
    .filter((line) => /^(Title|Author|Creator|Producer|CreationDate|ModDate|Pages|Page size):/.test(line));

describe('signing an issued document', () => {
  it('leaves the document as drawn without a certificate', async () => {
    const result = await signIssuedDocument(drawn, undefined, info());
    expect(result.signed).toBe(false);
    expect(result.bytes).toBe(drawn);
  });

  it('signs it (PAdES, ETSI.CAdES.detached) so that pdfsig validates the signature, keeping its text and metadata', async () => {
    const signedAt = new Date();
    const { bytes, signed } = await signIssuedDocument(drawn, { p12Path: p12, passphrase: PASSPHRASE }, info(signedAt));
    expect(signed).toBe(true);
    const before = scratch.write('drawn.pdf', drawn);
    const after = scratch.write('signed.pdf', bytes);

    const report = pdfsig(after);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signing Hash Algorithm: SHA-256');
    expect(report).toContain('Total document signed');
    expect(report).toContain('テスト共同調達協議会');
    // self-signed: valid signature, untrusted certificate
    expect(report).not.toContain('Certificate Validation: Certificate is Trusted.');

    qpdfCheck(after);
    const text = rawText(after);
    for (const expected of ['文書管理システム仕様書', '熊電協第12号', '文書の作成から廃棄までを管理する。']) expect(text).toContain(expected);
    expect(text).toBe(rawText(before));
    expect(metadata(after)).toEqual(metadata(before));

    // the signature dictionary states the reason, the name, the place and the time, Japanese intact
    const doc = await PDFDocument.load(bytes);
    const field = doc.getForm().getFields()[0]!;
    const signature = field.acroField.dict.lookup(PDFName.of('V'), PDFDict);
    const text$ = (key: string) => (signature.lookup(PDFName.of(key)) as PDFString | PDFHexString).decodeText();
    expect(text$('Reason')).toBe(info().reason);
    expect(text$('Name')).toBe(info().name);
    expect(text$('Location')).toBe(info().location);
    expect((signature.lookup(PDFName.of('M')) as PDFString).decodeDate().getTime()).toBe(Math.floor(signedAt.getTime() / 1000) * 1000);
  });

  it('writes the CMS PAdES asks for: the signing-certificate-v2 attribute, no signing-time attribute, and OpenSSL verifies it', async () => {
    const { bytes } = await signIssuedDocument(drawn, { p12Path: p12, passphrase: PASSPHRASE }, info());
    const { signature, signedData } = extractSignature(Buffer.from(bytes));
    const cms = scratch.write('signature.der', Buffer.from(signature, 'binary'));
    const content = scratch.write('signed-ranges.bin', signedData);
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cms], { encoding: 'utf8' });
    expect(printed).toContain('id-smime-aa-signingCertificateV2');
    expect(printed).toContain('messageDigest');
    expect(printed).not.toContain('signingTime');
    // against the certificate as the trust anchor: the signature, the digest and the ESS binding check out
    const verified = spawnSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', cms, '-content', content, '-binary', '-CAfile', scratch.path('signer.cert.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
    expect(verified.stderr).toContain('Verification successful');
  });

  it('reads the certificate file once, and opens the legacy (3DES) PKCS#12 as well', async () => {
    const copy = scratch.path('once.p12');
    copyFileSync(p12, copy);
    const signing = { p12Path: copy, passphrase: PASSPHRASE };
    const first = await loadSigningCertificate(signing);
    rmSync(copy);
    expect(await loadSigningCertificate(signing)).toBe(first);
    expect((await signIssuedDocument(drawn, signing, info())).signed).toBe(true);

    const legacy = makeP12(scratch, 'legacy', { legacy: true });
    const { bytes } = await signIssuedDocument(drawn, { p12Path: legacy, passphrase: PASSPHRASE }, info());
    expect(pdfsig(scratch.write('legacy-signed.pdf', bytes))).toContain('Signature Validation: Signature is Valid.');
  });

  it('refuses, in words for the operator, a wrong passphrase, a missing file, a file that is not PKCS#12, a key that is not RSA, and a time outside the certificate', async () => {
    const refusal = async (p12Path: string, passphrase: string, at = new Date()) => {
      const err = await signIssuedDocument(drawn, { p12Path, passphrase }, info(at)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SigningError);
      return (err as Error).message;
    };
    expect(await refusal(p12, 'wrong-passphrase')).toBe(`電子署名の証明書ファイル（SIGNING_P12: ${p12}）を開けません。パスフレーズ（SIGNING_P12_PASSPHRASE）が正しくありません。`);
    expect(await refusal(scratch.path('none.p12'), PASSPHRASE)).toContain('を読み取れません（ファイルがありません）');
    const pem = scratch.path('signer.cert.pem');
    expect(await refusal(pem, PASSPHRASE)).toContain('PKCS#12 形式（.p12 / .pfx）のファイルではありません');
    const garbage = scratch.path('garbage.p12');
    writeFileSync(garbage, Buffer.from('not a certificate at all'));
    expect(await refusal(garbage, PASSPHRASE)).toContain('PKCS#12 形式');
    // node-forge, which opens the file, knows RSA keys only
    const ecKey = scratch.path('ec.key.pem');
    const ecCert = scratch.path('ec.cert.pem');
    const ecP12 = scratch.path('ec.p12');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', ecKey, '-out', ecCert, '-days', '30', '-subj', '/CN=ec'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', ecKey, '-in', ecCert, '-out', ecP12, '-passout', `pass:${PASSPHRASE}`], { stdio: 'ignore' });
    expect(await refusal(ecP12, PASSPHRASE)).toContain('RSA 鍵ではありません');
    expect(await refusal(p12, PASSPHRASE, new Date(Date.now() + 365 * 86_400_000))).toMatch(/有効期限（\d{4}-\d{2}-\d{2}）が切れています/);
    expect(await refusal(p12, PASSPHRASE, new Date(Date.now() - 86_400_000))).toMatch(/有効期間は \d{4}-\d{2}-\d{2} からです/);
  });
});
