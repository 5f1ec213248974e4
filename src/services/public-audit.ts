import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { cases, consortia } from '../../schema/index.ts';
import type { Db } from '../db/client.ts';
import { type PublishedHead, chainHeads } from '../db/audit.ts';

export interface ConsortiumHead {
  consortiumId: string;
  consortiumName: string;
  head: PublishedHead;
}

/**
 * The latest head (sequence, hash, time) of the audit chain of every consortium that has a published
 * case: published on the public page and feed, so that anyone can keep a copy and later prove that the
 * record has not been rewritten since.
 */
export async function publishedChainHeads(db: Db, auditKey: Buffer): Promise<ConsortiumHead[]> {
  const publishing = await db
    .selectDistinct({ id: consortia.id, name: consortia.name })
    .from(consortia)
    .innerJoin(cases, and(eq(cases.consortiumId, consortia.id), isNotNull(cases.publishedAt)))
    .orderBy(asc(consortia.name), asc(consortia.id));
  const heads = await chainHeads(db, auditKey, publishing.map((c) => c.id));
  return publishing.map((c) => ({ consortiumId: c.id, consortiumName: c.name, head: heads.get(c.id)! }));
}

/** Where the public reads a consortium's head as JSON; with `seq`, the link at that place of the chain. */
export const auditHeadPath = (consortiumId: string, seq?: number) =>
  `/api/public/consortia/${consortiumId}/audit-head${seq === undefined ? '' : `?seq=${seq}`}`;

/**
 * The heads as the Atom feed's subtitle: whoever archives the feed keeps the heads of that moment, while
 * the entries stay the published cases (a head moves with every recorded change, and an entry per head
 * would fill a reader with them). Each head names the JSON that answers it at that place of the chain.
 */
export function headsSubtitle(heads: ConsortiumHead[], publicUrl: string): string {
  const kept = heads.filter((h) => h.head.seq > 0);
  if (kept.length === 0) return '';
  const each = kept.map(
    (h) => `${h.consortiumName} 連番 ${h.head.seq}、ハッシュ値（HMAC-SHA256）${h.head.hash}、記録時刻 ${h.head.at ?? '—'}（${publicUrl}${auditHeadPath(h.consortiumId, h.head.seq)}）`,
  );
  return `監査記録の検証値: ${each.join(' ／ ')}`;
}
