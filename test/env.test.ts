import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/env.ts';

describe('parseConfig', () => {
  it('uses the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ port: 3000, dataDir: './data', databaseUrl: undefined, demo: true, maxUploadBytes: 200 * 1024 * 1024 });
  });

  it('turns demo data off by default on PostgreSQL, and lets DEMO decide when given', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://db/x' }).demo).toBe(false);
    expect(parseConfig({ DATABASE_URL: 'postgres://db/x', DEMO: '1' }).demo).toBe(true);
    expect(parseConfig({ DEMO: '0' }).demo).toBe(false);
  });

  it('takes the public address from PUBLIC_URL, by default http://localhost on the port', () => {
    expect(parseConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(parseConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(parseConfig({ PUBLIC_URL: 'https://chotatsu.example.lg.jp' }).publicUrl).toBe('https://chotatsu.example.lg.jp');
    expect(parseConfig({ PUBLIC_URL: 'https://www.example.lg.jp/chotatsu' }).publicUrl).toBe('https://www.example.lg.jp/chotatsu');
  });

  it('takes the certificate that signs issued documents from SIGNING_P12 and SIGNING_P12_PASSPHRASE', () => {
    expect(parseConfig({}).signing).toBeUndefined();
    expect(parseConfig({ SIGNING_P12: '  ' }).signing).toBeUndefined();
    expect(parseConfig({ SIGNING_P12: '/etc/workbench/signer.p12' }).signing).toEqual({ p12Path: '/etc/workbench/signer.p12', passphrase: '' });
    expect(parseConfig({ SIGNING_P12: ' /etc/workbench/signer.p12 ', SIGNING_P12_PASSPHRASE: ' pass phrase ' }).signing).toEqual({ p12Path: '/etc/workbench/signer.p12', passphrase: ' pass phrase ' });
    // an empty passphrase alone is no setting
    expect(parseConfig({ SIGNING_P12_PASSPHRASE: '' }).signing).toBeUndefined();
  });

  it('keeps files on local disk by default, or in the S3 bucket that STORAGE=s3 names', () => {
    expect(parseConfig({}).storage).toEqual({ kind: 'local' });
    expect(parseConfig({ STORAGE: 'local' }).storage).toEqual({ kind: 'local' });
    expect(parseConfig({ STORAGE: 's3', S3_BUCKET: 'chotatsu-files' }).storage).toEqual({
      kind: 's3',
      bucket: 'chotatsu-files',
      endpoint: undefined,
      region: 'ap-northeast-1',
      forcePathStyle: false,
    });
    expect(
      parseConfig({ STORAGE: 's3', S3_BUCKET: 'chotatsu-files', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_REGION: 'jp-east-1', S3_FORCE_PATH_STYLE: 'true' }).storage,
    ).toEqual({ kind: 's3', bucket: 'chotatsu-files', endpoint: 'http://127.0.0.1:9000', region: 'jp-east-1', forcePathStyle: true });
  });

  it('sends mail only with SMTP_URL and MAIL_FROM, the sender given as an address or 名前 <address>', () => {
    expect(parseConfig({}).mail).toBeUndefined();
    expect(parseConfig({ SMTP_URL: ' ' }).mail).toBeUndefined();
    // a From alone sends nothing: there is no server to send through
    expect(parseConfig({ MAIL_FROM: 'noreply@example.lg.jp' }).mail).toBeUndefined();
    expect(parseConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'noreply@example.lg.jp' }).mail).toEqual({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'noreply@example.lg.jp' });
    expect(parseConfig({ SMTP_URL: ' smtps://user:pass@mail.example.lg.jp ', MAIL_FROM: ' 共同調達事務局 <noreply@example.lg.jp> ' }).mail).toEqual({
      smtpUrl: 'smtps://user:pass@mail.example.lg.jp',
      from: '共同調達事務局 <noreply@example.lg.jp>',
    });
  });

  it('says that MAIL_FROM is needed with SMTP_URL, and never repeats the SMTP password', () => {
    expect(() => parseConfig({ SMTP_URL: 'smtp://mail.example.lg.jp' })).toThrow(/^設定エラー: MAIL_FROM: SMTP_URL を指定するときは、送信元（MAIL_FROM/);
    let message = '';
    try {
      parseConfig({ SMTP_URL: 'http://user:secret-pw@mail.example.lg.jp', MAIL_FROM: 'noreply@example.lg.jp' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^設定エラー: SMTP_URL: smtp:\/\/ または smtps:\/\//);
    expect(message).not.toContain('secret-pw');
  });

  it.each([
    [{ SMTP_URL: 'smtp://mail.example.lg.jp' }, 'MAIL_FROM'],
    [{ SMTP_URL: 'mail.example.lg.jp:25', MAIL_FROM: 'noreply@example.lg.jp' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://', MAIL_FROM: 'noreply@example.lg.jp' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://mail.example.lg.jp/path', MAIL_FROM: 'noreply@example.lg.jp' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://mail.example.lg.jp', MAIL_FROM: 'noreply' }, 'MAIL_FROM'],
    [{ SMTP_URL: 'smtp://mail.example.lg.jp', MAIL_FROM: '事務局 <noreply>' }, 'MAIL_FROM'],
    [{ SMTP_URL: 'smtp://mail.example.lg.jp', MAIL_FROM: 'a@example.jp\r\nBcc: b@example.jp' }, 'MAIL_FROM'],
    [{ SMTP_URL: 'smtp://mail.example.lg.jp', MAIL_FROM: '<x> <a@example.jp>' }, 'MAIL_FROM'],
  ])('refuses the mail setting %o with one line naming %s', (env, variable) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(new RegExp(`^設定エラー: ${variable}: [^\\n]+$`));
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DEMO: 'yes' }, 'DEMO'],
    [{ MAX_UPLOAD_BYTES: '-1' }, 'MAX_UPLOAD_BYTES'],
    [{ ADMIN_EMAIL: 'admin@example.jp' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'not-an-address', ADMIN_PASSWORD: 'long-enough-password' }, 'ADMIN_EMAIL'],
    [{ PUBLIC_URL: 'https://chotatsu.example.lg.jp/' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'chotatsu.example.lg.jp' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://chotatsu.example.lg.jp' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://user:pw@chotatsu.example.lg.jp' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://chotatsu.example.lg.jp/?x=1' }, 'PUBLIC_URL'],
    [{ SIGNING_P12_PASSPHRASE: 'passphrase-without-a-file' }, 'SIGNING_P12'],
    [{ STORAGE: 'nfs' }, 'STORAGE'],
    [{ STORAGE: 's3' }, 'S3_BUCKET'],
    [{ STORAGE: 's3', S3_BUCKET: 'Chotatsu_Files' }, 'S3_BUCKET'],
    [{ STORAGE: 's3', S3_BUCKET: 'files', S3_ENDPOINT: 'minio.example.lg.jp:9000' }, 'S3_ENDPOINT'],
    [{ STORAGE: 's3', S3_BUCKET: 'files', S3_ENDPOINT: 'https://key:secret@s3.example.lg.jp' }, 'S3_ENDPOINT'],
    [{ STORAGE: 's3', S3_BUCKET: 'files', S3_REGION: 'Tokyo' }, 'S3_REGION'],
    [{ STORAGE: 's3', S3_BUCKET: 'files', S3_FORCE_PATH_STYLE: 'yes' }, 'S3_FORCE_PATH_STYLE'],
    [{ S3_BUCKET: 'files' }, 'STORAGE'],
  ])('refuses %o with one line naming %s', (env, variable) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.startsWith(`設定エラー: ${variable}:`)).toBe(true);
    expect(message).not.toContain('\n');
  });
});
