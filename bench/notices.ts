import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { cases, outbox, users, vendors } from '../schema/index.ts';
import { systemClock } from '../src/clock.ts';
import { transaction } from '../src/db/client.ts';
import { parseConfig } from '../src/env.ts';
import { newId } from '../src/ids.ts';
import { createMailSender } from '../src/mail/sender.ts';
import { smtpTransport } from '../src/mail/transport.ts';
import { notify } from '../src/services/notify.ts';
import { demoDatabase } from './setup.ts';

/**
 * A publication told to `vendorCount` approved vendors (a notification and an outbox message each, in
 * the publication's transaction), then those messages delivered over SMTP to a local server: how long
 * the publication's notices add to its transaction, and how many messages a second one sender delivers.
 */
export async function benchNotices(vendorCount = 300) {
  const { database, db, now, consortiumId } = await demoDatabase();
  for (let i = 0; i < vendorCount; i++) {
    const vendorId = newId();
    await db.insert(vendors).values({ id: vendorId, consortiumId, name: `通知ベンチ事業者${i}`, qualification: 'approved', createdAt: now });
    await db.insert(users).values({ id: newId(), consortiumId, email: `notice-bench-${i}@bench.example`, name: `担当者${i}`, role: 'vendor', vendorId, passwordHash: 'x', createdAt: now });
  }
  const caseId = newId();
  await db.insert(cases).values({ id: caseId, consortiumId, title: '通知ベンチ 文書管理システム', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, state: 'open', options: [], publishedAt: now, createdAt: now, updatedAt: now });

  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const config = parseConfig({ DEMO: '0', SMTP_URL: smtpUrl, MAIL_FROM: 'bench@example.lg.jp' });
  const deps = { clock: systemClock, config };

  const started = performance.now();
  const told = await transaction(db, (tx) => notify(deps, tx, { kind: 'case_published', caseId }));
  const publishMs = performance.now() - started;
  const queued = (await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'))).length;

  const transport = smtpTransport(smtpUrl);
  const sender = createMailSender({ db, clock: systemClock, config, transport, batchSize: 50 });
  const sendStart = performance.now();
  while (received < queued) {
    const r = await sender.runOnce();
    if (r.sent === 0 && r.failed === 0 && r.retried === 0) break;
  }
  const sendMs = performance.now() - sendStart;
  await sender.stop();
  transport.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  return { vendorCount, told, publishMs, perPersonMs: publishMs / Math.max(told, 1), queued, received, messagesPerSec: (received / sendMs) * 1000 };
}
