import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, files } from '../../schema/index.ts';
import { type Harness, type Reply, type Tenant, createHarness, createTenant, openProposalCase } from '../helpers/harness.ts';
import { pdfBytes } from '../helpers/multipart.ts';

// README, Uploads: "The deadline counts up to and including its instant and is checked before a byte is
// read and again when the last byte has arrived." The body is a stream this test holds open while it
// moves the clock, so the upload starts before the deadline and its last byte arrives after it.

const DEADLINE = '2026-06-30T17:00:00.000+09:00';
const JUST_AFTER = '2026-06-30T17:00:00.001+09:00';
const RFI_DEADLINE = '2026-04-20T17:00:00.000+09:00';

let h: Harness;
let a: Tenant;
let caseId: string;
let rfiCaseId: string;

beforeAll(async () => {
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'dl');
  caseId = await openProposalCase(h, a, '締切直前の提出', DEADLINE);
  // an RFI attachment has no other check of its deadline than this one
  const rfiCase = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '情報提供依頼の添付', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
  rfiCaseId = rfiCase.body.case.id;
  // an RFI is published with its questions and deadline
  const rfi = await h.call('PUT', `/api/cases/${rfiCaseId}/rfi`, {
    token: a.secretariat,
    body: { deadline: RFI_DEADLINE, questions: [{ code: 'summary', text: '製品の概要', kind: 'text' }] },
  });
  await h.call('POST', `/api/cases/${rfiCaseId}/transition`, { token: a.secretariat, body: { to: 'rfi' } });
  expect(rfi.status, rfi.text).toBe(200);
});
afterAll(() => h.close());

const stagingDir = () => join(h.filesRoot, 'staging');
const objectsDir = () => join(h.filesRoot, 'objects');
const listed = async (dir: string): Promise<string[]> => {
  const names: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) names.push(...(await listed(join(dir, entry.name))));
    else names.push(entry.name);
  }
  return names;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts an upload at `startAt` whose body this test controls: the head and the first half of the file
 * are sent, the clock moves to `lastByteAt` while the stream is still open, then the rest arrives.
 */
async function uploadAcross(path: string, startAt: string, lastByteAt: string, name: string): Promise<Reply> {
  h.clock.set(startAt);
  const boundary = `----deadline${name.length}`;
  const content = pdfBytes(256 * 1024);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const answer = h.call('POST', path, {
    token: a.vendor,
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  let answered = false;
  void answer.then(() => (answered = true));
  controller.enqueue(new Uint8Array(head));
  controller.enqueue(content.subarray(0, content.length / 2));
  // the receiver has the first half: its staging file exists, and nothing has been answered
  for (let i = 0; i < 200 && (await listed(stagingDir())).length === 0; i++) await sleep(10);
  expect(await listed(stagingDir())).toHaveLength(1);
  expect(answered).toBe(false);
  h.clock.set(lastByteAt);
  controller.enqueue(content.subarray(content.length / 2));
  controller.enqueue(new Uint8Array(tail));
  controller.close();
  return answer;
}

describe('an upload whose last byte arrives after the deadline', () => {
  const proposalFiles = () => `/api/cases/${caseId}/proposal/files`;
  const rfiFiles = () => `/api/cases/${rfiCaseId}/rfi/response/files`;

  async function expectRefusedLeavingNothing(path: string, startAt: string, lastByteAt: string, name: string) {
    const rowsBefore = await h.database.db.select().from(files);
    const storedBefore = await listed(objectsDir());
    const auditBefore = (await h.database.db.select().from(auditLog)).filter((e) => e.action === 'file.receive');
    const res = await uploadAcross(path, startAt, lastByteAt, name);
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.code).toBe('deadline_passed');
    expect(await h.database.db.select().from(files)).toEqual(rowsBefore);
    expect((await h.database.db.select().from(auditLog)).filter((e) => e.action === 'file.receive')).toEqual(auditBefore);
    expect(await listed(stagingDir())).toEqual([]);
    expect(await listed(objectsDir())).toEqual(storedBefore);
    return res;
  }

  it('a proposal file: refused with 409 deadline_passed, leaving no file, no staging file, no row and no audit entry', async () => {
    const res = await expectRefusedLeavingNothing(proposalFiles(), '2026-06-30T16:59:30.000+09:00', JUST_AFTER, '締切後に完了.pdf');
    expect(res.body.error.message).toContain('受信完了が提出期限を過ぎた');
    const mine = await h.call('GET', `/api/cases/${caseId}/proposal`, { token: a.vendor });
    expect(JSON.stringify(mine.body)).not.toContain('締切後に完了');
  });

  it('an RFI attachment: refused the same way', async () => {
    const res = await expectRefusedLeavingNothing(rfiFiles(), '2026-04-20T16:59:59.000+09:00', '2026-04-20T17:00:00.001+09:00', '回答資料.pdf');
    expect(res.body.error.message).toContain('受信完了が提出期限を過ぎた');
    const mine = await h.call('GET', `/api/cases/${rfiCaseId}/rfi/response`, { token: a.vendor });
    expect(JSON.stringify(mine.body)).not.toContain('回答資料');
  });

  it('is received when the last byte arrives at the deadline itself (the deadline counts up to and including its instant)', async () => {
    for (const [path, deadline, name] of [
      [proposalFiles(), DEADLINE, '締切ちょうど.pdf'],
      [rfiFiles(), RFI_DEADLINE, '回答ちょうど.pdf'],
    ] as const) {
      const storedBefore = (await listed(objectsDir())).length;
      const startAt = new Date(new Date(deadline).getTime() - 30_000).toISOString();
      const res = await uploadAcross(path, startAt, deadline, name);
      expect(res.status, res.text).toBe(201);
      expect(res.body.file).toMatchObject({ name, size: 256 * 1024, receivedAt: new Date(deadline).toISOString() });
      expect(await listed(stagingDir())).toEqual([]);
      expect(await listed(objectsDir())).toHaveLength(storedBefore + 1);
    }
  });
});
