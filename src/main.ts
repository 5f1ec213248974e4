import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { systemClock } from './clock.ts';
import { sealAll } from './db/audit.ts';
import { openDatabase } from './db/client.ts';
import { startDocumentRenderer, stopDocumentRenderer } from './documents/renderer.ts';
import { SigningError, checkValidAt, loadSigningCertificate } from './documents/sign.ts';
import { demoAccounts } from './demo/accounts.ts';
import { isEmpty, seedDemo, seedOperator } from './demo/seed.ts';
import { ConfigError, parseConfig } from './env.ts';
import { loadKeys } from './keys.ts';
import { createMailSender } from './mail/sender.ts';
import { smtpTransport } from './mail/transport.ts';
import { sendReminders } from './services/reminders.ts';
import { localStorage } from './storage/local.ts';
import type { FileStorage } from './storage/storage.ts';

async function main() {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  // a certificate that cannot sign stops the start, not the first issuance
  let signer: string | undefined;
  if (config.signing) {
    try {
      const certificate = await loadSigningCertificate(config.signing);
      checkValidAt(certificate, systemClock.now());
      signer = `発行文書に電子署名します: ${certificate.subject}（有効期限 ${certificate.validTo.toISOString().slice(0, 10)}）`;
    } catch (err) {
      if (err instanceof SigningError) {
        console.error(err.message);
        process.exit(1);
      }
      throw err;
    }
  }

  const database = await openDatabase(config);
  await database.migrate();
  let keys;
  try {
    keys = await loadKeys(config, database, systemClock.now());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      await database.close();
      process.exit(1);
    }
    throw err;
  }

  let seeded = false;
  if (await isEmpty(database.db)) {
    const now = systemClock.now();
    if (config.admin) await seedOperator(database.db, keys.audit, now, config.admin);
    if (config.demo) {
      await seedDemo(database.db, keys.audit, now, { withOperator: !config.admin });
      seeded = true;
    }
  }

  const filesRoot = join(resolve(config.dataDir), 'files');
  let storage: FileStorage;
  let storedIn: string;
  if (config.storage.kind === 's3') {
    // the AWS SDK loads only when the bucket is used
    const { s3Client, s3Storage } = await import('./storage/s3.ts');
    storage = s3Storage({ client: s3Client(config.storage), bucket: config.storage.bucket, stagingDir: join(filesRoot, 'staging'), clock: systemClock });
    storedIn = `S3 バケット ${config.storage.bucket}${config.storage.endpoint ? `（${config.storage.endpoint}）` : `（${config.storage.region}）`}`;
  } else {
    storage = localStorage(filesRoot);
    storedIn = filesRoot;
  }
  // a process stopped mid-upload leaves its staging file (and, on S3, an open multipart upload) behind; nothing refers to it
  let swept: number;
  try {
    swept = await storage.sweepStaging();
  } catch (err) {
    // the first call to the bucket: wrong credentials, bucket or endpoint show here, not at the first upload
    console.error(`ファイルの保存先 ${storedIn} を利用できません:`, err instanceof Error ? `${err.name}: ${err.message}` : err);
    await database.close();
    process.exit(1);
  }
  if (swept > 0) console.log(`中断されたアップロードの一時ファイルを ${swept} 件削除しました。`);

  const logger = createLogger(config.logLevel);
  const app = createApp({ database, clock: systemClock, config, storage, keys, logger, metrics: createMetrics(database, { processMetrics: true }) });
  // entries are written with the changes they record and sealed into their chains here, every second
  const sealer = setInterval(() => {
    sealAll(database.db, keys.audit).catch((err) => logger.error({ err }, '監査記録の封印に失敗しました'));
  }, 1000);
  sealer.unref();
  // reminders before deadlines (3 days and 1 day before), each person once per deadline, however often this runs
  const reminders = setInterval(() => {
    sendReminders({ database, clock: systemClock, config, keys }).catch((err) => logger.error({ err }, '期限の事前通知に失敗しました'));
  }, 60_000);
  reminders.unref();
  // the outbox is delivered every 5 s; without SMTP_URL the messages stay readable in the app only
  const mailTransport = config.mail ? smtpTransport(config.mail.smtpUrl) : undefined;
  const mailer = mailTransport ? createMailSender({ db: database.db, clock: systemClock, config, transport: mailTransport, logger }) : undefined;
  mailer?.start(5000);
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `組み込みデータベース ${config.dataDir}`;
    // one write, so that whoever reads the address also has the logins
    const lines = [`共同調達 選定ワークベンチ: http://localhost:${info.port}  [${where}]`];
    lines.push(`受け付けたファイルの保存先: ${storedIn}`);
    if (signer) lines.push(signer);
    lines.push(config.mail ? `通知をメールで送信します（送信元 ${config.mail.from}）。` : '通知はメールで送信しません（SMTP_URL が未設定）。通知は画面の「通知」で読めます。');
    if (config.demo) {
      lines.push(`${seeded ? 'デモデータを読み込みました。' : ''}デモ用ログイン (パスワード: ${demoAccounts.password})`);
      for (const a of demoAccounts.list) {
        if (a.role === 'operator' && config.admin) continue;
        lines.push(`  ${a.email.padEnd(28)} ${a.label}`);
      }
    }
    console.log(lines.join('\n'));
    // the renderer threads warm up now, so the first document is drawn as quickly as the next ones
    startDocumentRenderer().catch((err) => console.error('文書作成スレッドを起動できませんでした:', err instanceof Error ? err.message : err));
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: 処理中のリクエストを完了してから停止します…`);
    const force = setTimeout(() => {
      console.error('停止がタイムアウトしました。強制終了します。');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close(async () => {
      clearInterval(sealer);
      clearInterval(reminders);
      // the message in flight is finished and marked; the rest wait in the outbox for the next start
      await mailer?.stop();
      mailTransport?.close();
      await stopDocumentRenderer();
      await sealAll(database.db, keys.audit).catch(() => {});
      await database.close();
      process.exit(0);
    });
    // idle keep-alive connections would otherwise hold close() open
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('起動に失敗しました:', err instanceof Error ? err.message : err);
  process.exit(1);
});
