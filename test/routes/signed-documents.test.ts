import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch, assertPdfToolsInstalled } from '../documents/pdf-tools.ts';
import { type Harness, OPERATOR, PASSWORD, createHarness, putSpec } from '../helpers/harness.ts';
import { type IssuedCopy, issuedDocuments } from '../helpers/issued-documents.ts';
import { freePort, startServer, waitForOutput } from '../helpers/process.ts';

// A consortium whose issued documents are signed with its certificate (SIGNING_P12): the spec issued at
// publication comes out signed (PAdES), listed as signed, with the SHA-256 of the signed bytes.

const scratch = new Scratch();
const PASSPHRASE = 'route-test-passphrase';
let p12: string;
let h: Harness;
let sec: string;
let caseId: string;

/** A throwaway self-signed certificate and key as PKCS#12 (OpenSSL 3's default encryption). */
function makeP12(): string {
  const key = scratch.path('key.pem');
  const cert = scratch.path('cert.pem');
  const out = scratch.path('signer.p12');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-utf8', '-subj', '/C=JP/O=Test/CN=署名テスト協議会'], { stdio: 'ignore' });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', out, '-passout', `pass:${PASSPHRASE}`], { stdio: 'ignore' });
  return out;
}

/** `pdfsig`'s report (it exits non-zero for an untrusted certificate, so the status is not looked at). */
function pdfsig(bytes: Uint8Array, name: string): string {
  const run = spawnSync('pdfsig', [scratch.write(name, bytes)], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

function expectValidSignature(copy: IssuedCopy) {
  const report = pdfsig(copy.bytes, `${copy.kind}-${copy.version}.pdf`);
  expect(report, `${copy.kind} 第${copy.version}版`).toContain('Signature Validation: Signature is Valid.');
  expect(report).toContain('Signature Type: ETSI.CAdES.detached');
  expect(report).toContain('Total document signed');
  expect(report).toContain('署名テスト協議会');
}

beforeAll(async () => {
  assertPdfToolsInstalled();
  p12 = makeP12();
  h = await createHarness({ signing: { p12Path: p12, passphrase: PASSPHRASE }, sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  // the certificate is valid from the moment it was made
  h.clock.set(new Date());
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  await h.call('POST', '/api/consortia', { token: operator, body: { name: '署名テスト協議会', secretariat: { email: 'sec-sign@test.example', name: '事務局', password: PASSWORD } } });
  sec = await h.login('sec-sign@test.example');
  const member = await h.call('POST', '/api/members', { token: sec, body: { name: '熊本市', kind: 'city', population: 730_000 } });
  const created = await h.call('POST', '/api/cases', {
    token: sec,
    body: { title: '電子申請システム', method: 'competitive_bid', contractMode: 'bulk', fiscalYear: 2026, description: '行政手続のオンライン化に用いる電子申請システムを共同で調達する。' },
  });
  caseId = created.body.case.id;
  await h.call('PUT', `/api/cases/${caseId}/participants/${member.body.member.id}`, { token: sec, body: { participating: true, options: {} } });
  await h.call('PUT', `/api/cases/${caseId}/spec`, {
    token: sec,
    body: { sections: [{ heading: '業務の目的', body: '申請手続のオンライン化により、住民の利便性を高める。' }], requirements: [{ code: 'F-001', text: 'マイナンバーカードで本人確認できること。', level: 'must' }] },
  });
}, 60_000);
afterAll(async () => {
  await h.close();
  scratch.remove();
});

describe('issued documents signed with the configured certificate', () => {
  let spec: IssuedCopy;

  it('issues the spec at publication signed, lists it as signed, and serves the very bytes its SHA-256 names', async () => {
    await putSpec(h, sec, caseId);
    const published = await h.call('POST', `/api/cases/${caseId}/transition`, { token: sec, body: { to: 'open' } });
    expect(published.status, published.text).toBe(200);
    // downloaded twice: byte-identical, the listed SHA-256, qpdf accepts it, its number in the text
    const copies = await issuedDocuments(h, scratch, caseId, sec);
    expect(copies.map((d) => [d.kind, d.version, d.signed])).toEqual([['spec', 1, true]]);
    spec = copies[0]!;
    expectValidSignature(spec);
    expect(spec.text).toContain('電子申請システム');
    expect(spec.text).toContain('マイナンバーカードで本人確認できること。');
    const download = await h.call('GET', spec.url, { token: sec });
    expect(download.headers.get('x-document-sha256')).toBe(spec.sha256);
  });

  it('answers the same signed version when asked to issue unchanged data again', async () => {
    const again = await h.call('POST', `/api/cases/${caseId}/documents/spec/issue`, { token: sec });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, document: { kind: 'spec', version: 1, sha256: spec.sha256, signed: true } });
  });

  it('signs each new version, and leaves the earlier one as it was', async () => {
    h.clock.advance(60_000);
    const changed = await h.call('PUT', `/api/cases/${caseId}/spec`, {
      token: sec,
      body: { sections: [{ heading: '業務の目的', body: '申請手続のオンライン化により、住民の利便性を高める（第2版）。' }], requirements: [{ code: 'F-001', text: 'マイナンバーカードで本人確認できること。', level: 'must' }], reason: '業務の目的を改めます。' },
    });
    expect(changed.status, changed.text).toBe(200);
    const copies = await issuedDocuments(h, scratch, caseId, sec);
    expect(copies.map((d) => [d.kind, d.version, d.signed])).toEqual([
      ['spec', 1, true],
      ['spec', 2, true],
    ]);
    expect(Buffer.from(copies[0]!.bytes).equals(Buffer.from(spec.bytes))).toBe(true);
    for (const copy of copies) expectValidSignature(copy);
    expect(copies[1]!.text).toContain('（第2版）');
  });
});

describe('a certificate that cannot sign', () => {
  it('refuses the issue with 503 signing_unavailable and issues nothing unsigned', async () => {
    const before = (await h.call('GET', `/api/cases/${caseId}/documents`, { token: sec })).body.documents;
    // sixty days on, the 30-day certificate has expired
    h.clock.advance(60 * 86_400_000);
    await h.call('PUT', '/api/consortium/settings', { token: sec, body: { issuerName: '署名テスト協議会', issuerTitle: '会長', address: '熊本市', contact: '電話 096-000-0000', documentNumberPattern: '署第{n}号', era: 'wareki' } });
    const refused = await h.call('POST', `/api/cases/${caseId}/documents/spec/issue`, { token: sec });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('signing_unavailable');
    expect(refused.body.error.message).toContain('電子署名ができない');
    expect((await h.call('GET', `/api/cases/${caseId}/documents`, { token: sec })).body.documents).toEqual(before);
  });
});

describe('the server with a certificate', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wb-sign-main-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses to start when the certificate cannot be opened, saying why', async () => {
    const wrong = startServer({ PORT: String(freePort()), DATA_DIR: dataDir, DEMO: '0', SIGNING_P12: p12, SIGNING_P12_PASSPHRASE: 'not-the-passphrase' });
    expect(await wrong.exited).toBe(1);
    expect(wrong.output().trim()).toBe(`電子署名の証明書ファイル（SIGNING_P12: ${p12}）を開けません。パスフレーズ（SIGNING_P12_PASSPHRASE）が正しくありません。`);
    const missing = startServer({ PORT: String(freePort()), DATA_DIR: dataDir, DEMO: '0', SIGNING_P12: scratch.path('missing.p12'), SIGNING_P12_PASSPHRASE: PASSPHRASE });
    expect(await missing.exited).toBe(1);
    expect(missing.output().trim()).toBe(`電子署名の証明書ファイル（SIGNING_P12: ${scratch.path('missing.p12')}）を読み取れません（ファイルがありません）。`);
  }, 60_000);

  it('starts with one it can open, naming it', async () => {
    const port = freePort();
    const started = startServer({ PORT: String(port), DATA_DIR: dataDir, DEMO: '0', SIGNING_P12: p12, SIGNING_P12_PASSPHRASE: PASSPHRASE });
    try {
      await waitForOutput(started, `http://localhost:${port}`);
      expect(started.output()).toMatch(/発行文書に電子署名します: .*署名テスト協議会.*（有効期限 \d{4}-\d{2}-\d{2}）/);
    } finally {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  }, 60_000);
});
