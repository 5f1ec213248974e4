import { type KeyObject, X509Certificate, createHash, createPrivateKey, sign as signDigest } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED, Signer } from '@signpdf/utils';
import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';

/**
 * PAdES signatures on issued documents.
 *
 * The PDF side is @signpdf's: the signature field and its dictionary (SubFilter ETSI.CAdES.detached,
 * /M the signing time, /Reason, /Name, /Location) through pdf-lib, then the byte range and the
 * signature written into the placeholder. The CMS inside is built here, because @signpdf's P12 signer
 * writes a plain PKCS#7 one: PAdES (ETSI EN 319 142-1, baseline B-B) wants the ESS
 * signing-certificate-v2 attribute, which binds the signature to its certificate, and no signing-time
 * attribute (the time is the dictionary's /M). So the signed attributes are content-type,
 * message-digest and signing-certificate-v2; SHA-256 and RSA (PKCS #1 v1.5).
 *
 * The PKCS#12 file is read and decrypted once per process (node-forge), checked at start-up by
 * `loadSigningCertificate`, and kept: key and certificate chain.
 */

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

/** The signing certificate cannot be used: the message says why, in words for the operator. */
export class SigningError extends Error {}

/** A PKCS#12 file, opened: the key, its certificate and the rest of the chain (DER). */
export interface SigningCertificate {
  readonly key: KeyObject;
  /** the signer's certificate, then the others the file holds */
  readonly chain: readonly Buffer[];
  readonly subject: string;
  readonly validFrom: Date;
  readonly validTo: Date;
}

const { asn1, pki } = forge;
const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

type Node = forge.asn1.Asn1;
const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
const seq = (...value: Node[]) => asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, value);
const set = (...value: Node[]) => asn1.create(UNIVERSAL, asn1.Type.SET, true, value);
const oid = (id: string) => asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: Buffer) => asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const integer = (n: number) => asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(UNIVERSAL, asn1.Type.NULL, false, '');
const toDer = (node: Node) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
// (the typings know only the boolean form of the options; BIT STRINGs are kept as they are, not parsed)
const fromDer = (bytes: Buffer) => (asn1.fromDer as unknown as (bytes: forge.util.ByteBuffer, options: object) => Node)(forge.util.createBuffer(bytes.toString('binary')), { decodeBitStrings: false });

/** A certificate's issuer and serial number, as its DER has them. */
function issuerAndSerial(certificate: Buffer): { issuer: Node; serial: Node } {
  const tbs = (fromDer(certificate).value as Node[])[0]!.value as Node[];
  // [0] version is there for v2 and v3 certificates
  const at = tbs[0]!.tagClass === CONTEXT_SPECIFIC ? 1 : 0;
  return { serial: tbs[at]!, issuer: tbs[at + 2]! };
}

/** DER orders the members of a SET OF by their encodings. */
const sortedByEncoding = (nodes: Node[]) =>
  nodes
    .map((node) => ({ node, der: toDer(node) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((x) => x.node);

/** A detached CAdES signature (CMS SignedData) over `content`, as PAdES wants it. */
function cadesDetachedSignature(content: Buffer, certificate: SigningCertificate): Buffer {
  const signer = certificate.chain[0]!;
  const { issuer, serial } = issuerAndSerial(signer);
  const sha256 = () => seq(oid(OID.sha256));
  const attribute = (type: string, value: Node) => seq(oid(type), set(value));
  const attributes = sortedByEncoding([
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(createHash('sha256').update(content).digest())),
    // ESSCertIDv2 with the default hash (SHA-256, so left out) and the issuer and serial of the certificate
    attribute(
      OID.signingCertificateV2,
      seq(seq(seq(octets(createHash('sha256').update(signer).digest()), seq(seq(asn1.create(CONTEXT_SPECIFIC, 4, true, [issuer])), serial)))),
    ),
  ]);
  // the signature covers the attributes encoded as a SET; the SignerInfo carries them as [0] IMPLICIT
  const signature = signDigest('sha256', toDer(set(...attributes)), certificate.key);
  const signerInfo = seq(
    integer(1),
    seq(issuer, serial),
    sha256(),
    asn1.create(CONTEXT_SPECIFIC, 0, true, attributes),
    seq(oid(OID.rsaEncryption), nul()),
    octets(signature),
  );
  const signedData = seq(
    integer(1),
    set(sha256()),
    seq(oid(OID.data)),
    asn1.create(CONTEXT_SPECIFIC, 0, true, certificate.chain.map(fromDer)),
    set(signerInfo),
  );
  return toDer(seq(oid(OID.signedData), asn1.create(CONTEXT_SPECIFIC, 0, true, [signedData])));
}

/** @signpdf's signer, with our CMS. */
class CadesSigner extends Signer {
  constructor(private readonly certificate: SigningCertificate) {
    super();
  }
  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return cadesDetachedSignature(pdfBuffer, this.certificate);
  }
}

const where = (signing: SigningConfig) => `電子署名の証明書ファイル（SIGNING_P12: ${signing.p12Path}）`;

function openP12(bytes: Buffer, signing: SigningConfig): SigningCertificate {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(forge.util.createBuffer(bytes.toString('binary'))), false, signing.passphrase);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/MAC could not be verified|Invalid password/i.test(message)) {
      throw new SigningError(`${where(signing)}を開けません。パスフレーズ（SIGNING_P12_PASSPHRASE）が正しくありません。`);
    }
    if (/Too few bytes|Unparsed DER|ASN\.1|Unsupported PKCS#12/i.test(message) && !/OID/.test(message)) {
      throw new SigningError(`${where(signing)}は PKCS#12 形式（.p12 / .pfx）のファイルではありません。`);
    }
    if (/RSAPrivateKey|private key/i.test(message)) {
      throw new SigningError(`${where(signing)}の鍵は RSA 鍵ではありません。電子署名には RSA 鍵の証明書を使ってください。`);
    }
    throw new SigningError(`${where(signing)}を開けません（${message}）。openssl pkcs12 -export で書き出し直したファイルを指定してください。`);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag!] ?? []),
  ];
  // node-forge reads RSA keys only; another kind of key comes back empty
  const keys = keyBags.filter((bag) => bag.key);
  if (keyBags.length > 0 && keys.length === 0) {
    throw new SigningError(`${where(signing)}の鍵は RSA 鍵ではありません。電子署名には RSA 鍵の証明書を使ってください。`);
  }
  const certificates = (p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag!] ?? []).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  if (keys.length === 0 || certificates.length === 0) {
    throw new SigningError(`${where(signing)}に秘密鍵と証明書の両方が含まれていません。`);
  }
  const key = createPrivateKey(pki.privateKeyToPem(keys[0]!.key!));
  // each certificate as it was issued: the signed part as read, the signature algorithm it names
  const ders = certificates.map((cert) => {
    const tbs = cert.tbsCertificate as Node;
    const tbsFields = tbs.value as Node[];
    const algorithm = tbsFields[tbsFields[0]!.tagClass === CONTEXT_SPECIFIC ? 2 : 1]!;
    return toDer(seq(tbs, algorithm, asn1.create(UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${cert.signature as string}`)));
  });
  const signerAt = ders.findIndex((der) => new X509Certificate(der).checkPrivateKey(key));
  if (signerAt < 0) throw new SigningError(`${where(signing)}に、秘密鍵に対応する証明書が含まれていません。`);
  const signer = new X509Certificate(ders[signerAt]!);
  return {
    key,
    chain: [ders[signerAt]!, ...ders.filter((_, i) => i !== signerAt)],
    subject: signer.subject.replace(/\n/g, ', '),
    validFrom: new Date(signer.validFrom),
    validTo: new Date(signer.validTo),
  };
}

const opened = new Map<string, Promise<SigningCertificate>>();

/**
 * Reads and opens the PKCS#12 file once per process (per path and passphrase); a file that cannot be
 * read or opened fails with a `SigningError` that says why. The server calls it at start-up, so a
 * broken certificate stops the start rather than the first issuance.
 */
export function loadSigningCertificate(signing: SigningConfig): Promise<SigningCertificate> {
  const key = `${signing.p12Path}\u0000${signing.passphrase}`;
  let loading = opened.get(key);
  if (!loading) {
    loading = (async () => {
      let bytes: Buffer;
      try {
        bytes = await readFile(signing.p12Path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'ファイルがありません' : code === 'EACCES' ? '読み取る権限がありません' : code === 'EISDIR' ? 'ディレクトリです' : (code ?? String(err));
        throw new SigningError(`${where(signing)}を読み取れません（${why}）。`);
      }
      return openP12(bytes, signing);
    })();
    opened.set(key, loading);
    // a file fixed later is read again
    loading.catch(() => opened.delete(key));
  }
  return loading;
}

/** Refuses a signature outside the certificate's validity: the document would carry an invalid signature. */
export function checkValidAt(certificate: SigningCertificate, at: Date): void {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (at > certificate.validTo) {
    throw new SigningError(`電子署名の証明書（${certificate.subject}）の有効期限（${day(certificate.validTo)}）が切れています。新しい証明書を SIGNING_P12 に指定してください。`);
  }
  if (at < certificate.validFrom) {
    throw new SigningError(`電子署名の証明書（${certificate.subject}）の有効期間は ${day(certificate.validFrom)} からです。`);
  }
}

/**
 * A PDF text string as pdf-lib writes it verbatim between parentheses: UTF-16BE with its byte order
 * mark, every byte an octal escape, so Japanese survives a placeholder helper that takes plain strings.
 */
function pdfText(text: string): string {
  const bytes = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  return Array.from(bytes, (b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** Room for the CMS in the placeholder (hex digits): the certificates, the signature and the attributes, with a margin. */
const placeholderLength = (certificate: SigningCertificate) => 2 * (certificate.chain.reduce((n, der) => n + der.length, 0) + 512 + 2048);

/**
 * Signs an issued document (PAdES, SubFilter ETSI.CAdES.detached) when a certificate is configured;
 * without one the document goes out as drawn, with 公印省略 or the 印 box as the consortium chose.
 * The document's own metadata (title, author, dates, producer) is kept as drawn.
 */
export async function signIssuedDocument(bytes: Uint8Array, signing: SigningConfig | undefined, info: SignatureInfo): Promise<{ bytes: Uint8Array; signed: boolean }> {
  if (!signing) return { bytes, signed: false };
  const certificate = await loadSigningCertificate(signing);
  checkValidAt(certificate, info.signedAt);
  const pdfDoc = await PDFDocument.load(bytes, { updateMetadata: false });
  pdflibAddPlaceholder({
    pdfDoc,
    reason: pdfText(info.reason),
    name: pdfText(info.name),
    location: pdfText(info.location),
    contactInfo: '',
    signingTime: info.signedAt,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    signatureLength: placeholderLength(certificate),
  });
  const prepared = Buffer.from(await pdfDoc.save());
  const signed = await new SignPdf().sign(prepared, new CadesSigner(certificate), info.signedAt);
  return { bytes: signed, signed: true };
}
