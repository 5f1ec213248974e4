import { z } from 'zod';

const MiB = 1024 * 1024;

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `${min}〜${max} の整数を指定してください (値: "${raw}")` });
        return z.NEVER;
      }
      return value;
    })
    .describe(name);

const flag = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    if (raw === '1' || raw === 'true') return true;
    if (raw === '0' || raw === 'false') return false;
    ctx.addIssue({ code: 'custom', message: `1 または 0 を指定してください (値: "${raw}")` });
    return z.NEVER;
  });

/** The base of every absolute URL the service writes: http(s), no credentials, query, fragment or trailing slash. */
function isPublicUrl(value: string): boolean {
  if (!/^https?:\/\/[^/?#]+(\/[^?#]*)?$/i.test(value) || value.endsWith('/')) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** An SMTP server to send through: smtp:// (STARTTLS when offered) or smtps:// (TLS), credentials allowed. */
function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '' && url.pathname.replace(/\/$/, '') === '' && url.hash === '';
  } catch {
    return false;
  }
}

/** The From of every message: an address, or 名前 <address> (the name may be Japanese; nodemailer encodes it). */
function isMailFrom(value: string): boolean {
  if (/[\r\n]/.test(value)) return false;
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(value);
  const address = named ? named[2]! : value;
  if (named && /[<>]/.test(named[1]!)) return false;
  return z.email().safeParse(address.trim()).success;
}

/** An S3 (or compatible) endpoint: http(s), a host, no credentials (those come from the SDK's chain), query or fragment. */
function isEndpointUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

/** An optional setting: trimmed, and a blank one as not given. */
const optionalSetting = () =>
  z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

/** An optional setting that, when given, must pass `valid`; `message` says what is expected. */
const checkedSetting = (valid: (v: string) => boolean, message: string) => optionalSetting().refine((v) => v === undefined || valid(v), { message });

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

const envSchema = z
  .object({
    PORT: integer('PORT', 1, 65535, 3000),
    DATA_DIR: z.string().optional().transform((v) => (v && v.trim() !== '' ? v : './data')),
    DATABASE_URL: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v : undefined))
      .refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
        message: 'postgres:// または postgresql:// で始まる接続文字列を指定してください',
      }),
    ADMIN_EMAIL: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim().toLowerCase() : undefined))
      .refine((v) => v === undefined || z.email().safeParse(v).success, {
        message: 'メールアドレスの形式ではありません',
      }),
    ADMIN_PASSWORD: z
      .string()
      .optional()
      .transform((v) => (v && v !== '' ? v : undefined))
      .refine((v) => v === undefined || v.length >= 12, { message: '12文字以上のパスワードを指定してください' }),
    DEMO: flag,
    MAX_UPLOAD_BYTES: integer('MAX_UPLOAD_BYTES', 1, 2 ** 40, 200 * MiB),
    SESSION_IDLE_MINUTES: integer('SESSION_IDLE_MINUTES', 1, 7 * 24 * 60, 120),
    SESSION_MAX_HOURS: integer('SESSION_MAX_HOURS', 1, 24 * 30, 12),
    DB_POOL_SIZE: integer('DB_POOL_SIZE', 1, 200, 10),
    TRUST_PROXY: flag,
    LOG_LEVEL: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim() : 'info'))
      .refine((v) => logLevels.includes(v as LogLevel), { message: `${logLevels.join('・')} のいずれかを指定してください` }),
    METRICS_TOKEN: checkedSetting((v) => v.length >= 16, '16文字以上の文字列を指定してください（例: openssl rand -hex 16）'),
    OCDS_PREFIX: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim() : 'ocds-jpwb00'))
      .refine((v) => /^ocds-[a-z0-9]{6}$/.test(v), { message: 'ocds- に続く6文字の英小文字・数字で指定してください（例: ocds-abc123）' }),
    PUBLIC_URL: checkedSetting(isPublicUrl, 'http:// または https:// で始まり、末尾に / を付けない URL を指定してください（例: https://chotatsu.example.lg.jp）'),
    SEAL_KEY: checkedSetting((v) => Buffer.from(v, 'base64').length === 32, '32バイトの鍵を base64 で指定してください（例: openssl rand -base64 32）'),
    SIGNING_P12: optionalSetting(),
    SIGNING_P12_PASSPHRASE: z.string().optional(),
    SMTP_URL: checkedSetting(isSmtpUrl, 'smtp:// または smtps:// で始まる URL を指定してください（例: smtp://mail.example.lg.jp:587、認証あり: smtps://user:pass@mail.example.lg.jp）'),
    MAIL_FROM: checkedSetting(isMailFrom, '送信元はメールアドレス、または「名前 <メールアドレス>」の形で指定してください（例: 共同調達事務局 <noreply@example.lg.jp>）'),
    STORAGE: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined || raw.trim() === '') return 'local' as const;
        const value = raw.trim();
        if (value === 'local' || value === 's3') return value;
        ctx.addIssue({ code: 'custom', message: `local または s3 を指定してください (値: "${raw}")` });
        return z.NEVER;
      }),
    S3_BUCKET: checkedSetting((v) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v), 'バケット名は3〜63文字の英小文字・数字・ハイフン・ピリオドで指定してください（例: chotatsu-files）'),
    S3_ENDPOINT: checkedSetting(isEndpointUrl, 'http:// または https:// で始まる URL を指定してください（例: https://s3.ap-northeast-1.amazonaws.com）。認証情報は URL に含めず AWS_ACCESS_KEY_ID などで渡します'),
    S3_REGION: optionalSetting()
      .transform((v) => v ?? 'ap-northeast-1')
      .refine((v) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v), { message: 'リージョン名を英小文字・数字・ハイフンで指定してください（例: ap-northeast-1）' }),
    S3_FORCE_PATH_STYLE: flag,
  })
  .superRefine((env, ctx) => {
    if (env.SIGNING_P12 === undefined && env.SIGNING_P12_PASSPHRASE !== undefined && env.SIGNING_P12_PASSPHRASE !== '') {
      ctx.addIssue({ code: 'custom', path: ['SIGNING_P12'], message: 'SIGNING_P12_PASSPHRASE を指定するときは、署名に使う PKCS#12 ファイルのパスも指定してください' });
    }
    if (env.SMTP_URL !== undefined && env.MAIL_FROM === undefined) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'SMTP_URL を指定するときは、送信元（MAIL_FROM、例: 共同調達事務局 <noreply@example.lg.jp>）も指定してください' });
    }
    if (env.STORAGE === 's3' && env.S3_BUCKET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'STORAGE=s3 のときは、ファイルを保存するバケット名（S3_BUCKET）を指定してください' });
    }
    // files meant for a shared bucket must not land on one instance's disk unnoticed
    if (env.STORAGE === 'local' && (env.S3_BUCKET !== undefined || env.S3_ENDPOINT !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['STORAGE'], message: 'S3_BUCKET や S3_ENDPOINT を使うときは STORAGE=s3 も指定してください（指定がないとファイルは各サーバーのディスクに保存されます）' });
    }
    if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'],
        message: 'ADMIN_EMAIL と ADMIN_PASSWORD は両方とも指定してください',
      });
    }
  });

export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  admin: { email: string; password: string } | undefined;
  demo: boolean;
  maxUploadBytes: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  dbPoolSize: number;
  trustProxy: boolean;
  /** the lowest level of the JSON log lines written to standard output (LOG_LEVEL) */
  logLevel: LogLevel;
  /** when set, GET /metrics answers only a request bearing it (Authorization: Bearer …) */
  metricsToken: string | undefined;
  /** where the public reaches the service (PUBLIC_URL), the base of every absolute URL it writes; never taken from a request */
  publicUrl: string;
  /** an upload that sends no byte for this long is ended (408) and its staging file removed */
  uploadIdleMs: number;
  /** the OCDS ocid prefix registered for the publisher, e.g. ocds-abc123 */
  ocdsPrefix: string;
  /** key that seals bid amounts until their opening; without it one is kept in the database */
  sealKey: Buffer | undefined;
  /** the certificate that signs issued documents (PAdES), from SIGNING_P12 and SIGNING_P12_PASSPHRASE */
  signing: { p12Path: string; passphrase: string } | undefined;
  /** the SMTP server notices are sent through (SMTP_URL) and their From (MAIL_FROM); without it they stay in the app */
  mail: { smtpUrl: string; from: string } | undefined;
  /** where received files are kept (STORAGE): on local disk under DATA_DIR/files, or in an S3 bucket shared by every instance */
  storage: { kind: 'local' } | { kind: 's3'; bucket: string; endpoint: string | undefined; region: string; forcePathStyle: boolean };
}

export class ConfigError extends Error {}

/** Parses the process environment; the message names the variable in one line. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? '環境変数');
    throw new ConfigError(`設定エラー: ${variable}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : undefined,
    demo: e.DEMO ?? e.DATABASE_URL === undefined,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
    dbPoolSize: e.DB_POOL_SIZE,
    trustProxy: e.TRUST_PROXY ?? false,
    logLevel: e.LOG_LEVEL as LogLevel,
    metricsToken: e.METRICS_TOKEN,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    uploadIdleMs: 60_000,
    ocdsPrefix: e.OCDS_PREFIX,
    sealKey: e.SEAL_KEY ? Buffer.from(e.SEAL_KEY, 'base64') : undefined,
    signing: e.SIGNING_P12 ? { p12Path: e.SIGNING_P12, passphrase: e.SIGNING_P12_PASSPHRASE ?? '' } : undefined,
    mail: e.SMTP_URL && e.MAIL_FROM ? { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM } : undefined,
    storage:
      e.STORAGE === 's3' && e.S3_BUCKET
        ? { kind: 's3', bucket: e.S3_BUCKET, endpoint: e.S3_ENDPOINT, region: e.S3_REGION, forcePathStyle: e.S3_FORCE_PATH_STYLE ?? false }
        : { kind: 'local' },
  };
}
