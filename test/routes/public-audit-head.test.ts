import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headsSubtitle } from '../../src/services/public-audit.ts';
import { type Harness, type Tenant, createHarness, createTenant, openProposalCase } from '../helpers/harness.ts';

// The latest head of each consortium's audit chain is published on /public and in the Atom feed, the
// same values /api/public/consortia/:id/audit-head answers, so anyone can keep a copy to check later.

const PUBLIC_URL = 'https://chotatsu.example.lg.jp';

let h: Harness;
let a: Tenant;
let quiet: Tenant;

beforeAll(async () => {
  h = await createHarness({ publicUrl: PUBLIC_URL });
  a = await createTenant(h, 'kansa');
  // a consortium with nothing published: nothing of it is shown
  quiet = await createTenant(h, 'hikoukai');
  await h.call('POST', '/api/cases', { token: quiet.secretariat, body: { title: '非公開の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
});
afterAll(() => h.close());

async function publishCase(title: string) {
  await openProposalCase(h, a, title);
}

const headOf = async (consortiumId: string) => {
  const res = await h.call('GET', `/api/public/consortia/${consortiumId}/audit-head`);
  expect(res.status).toBe(200);
  return res.body as { seq: number; hash: string; at: string };
};

describe('the audit chain head on the public page', () => {
  it('is not shown while nothing is published', async () => {
    const page = await h.call('GET', '/public');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('監査記録の検証値');
  });

  it('shows, for each consortium with a published case, the sequence, hash and time the JSON answers, with a link to it', async () => {
    await publishCase('監査記録の公開');
    const page = await h.call('GET', '/public');
    const head = await headOf(a.consortiumId);
    expect(head.seq).toBeGreaterThan(0);
    expect(page.text).toContain('<h2 id="audit-heads">監査記録の検証値</h2>');
    const section = page.text.slice(page.text.indexOf('id="audit-heads"'));
    const row = section.slice(section.indexOf('kansa協議会'), section.indexOf('</tr>', section.indexOf('kansa協議会')));
    expect(row).toContain(`<td>${head.seq}</td>`);
    expect(row).toContain(`<code class="hash">${head.hash}</code>`);
    expect(row).toContain(`<time datetime="${head.at}">`);
    expect(row).toContain(`href="/api/public/consortia/${a.consortiumId}/audit-head"`);
    // the unpublished consortium is not named, nor its chain linked
    expect(page.text).not.toContain('hikoukai協議会');
    expect(page.text).not.toContain(quiet.consortiumId);
  });

  it('moves on with the record: a later change shows its new head', async () => {
    const before = await headOf(a.consortiumId);
    await publishCase('二件目の公開');
    const after = await headOf(a.consortiumId);
    expect(after.seq).toBeGreaterThan(before.seq);
    const page = await h.call('GET', '/public');
    expect(page.text).toContain(`<code class="hash">${after.hash}</code>`);
    expect(page.text).not.toContain(`<code class="hash">${before.hash}</code>`);
  });
});

describe('the audit chain head in the Atom feed', () => {
  it("is in the feed's subtitle: sequence, hash, time and the JSON at that place, at PUBLIC_URL; the entries stay the cases", async () => {
    const feed = await h.call('GET', '/public/feed.xml');
    expect(feed.status).toBe(200);
    const head = await headOf(a.consortiumId);
    const subtitle = /<subtitle>([\s\S]*?)<\/subtitle>/.exec(feed.text)?.[1];
    expect(subtitle, feed.text.slice(0, 800)).toBeDefined();
    expect(subtitle).toContain('監査記録の検証値');
    expect(subtitle).toContain(`kansa協議会 連番 ${head.seq}、ハッシュ値（HMAC-SHA256）${head.hash}、記録時刻 ${head.at}`);
    const url = `${PUBLIC_URL}/api/public/consortia/${a.consortiumId}/audit-head?seq=${head.seq}`;
    expect(subtitle).toContain(url);
    // the feed was updated when the chain last moved
    expect(feed.text.slice(0, feed.text.indexOf('<entry>'))).toContain(`<updated>${head.at}</updated>`);
    expect(feed.text).not.toContain(quiet.consortiumId);
    // one entry per published case, no more
    const published = (await h.call('GET', '/api/public/cases')).body.cases.length;
    expect(feed.text.split('<entry>').length - 1).toBe(published);
    // the link answers the head it names
    const linked = await h.call('GET', `/api/public/consortia/${a.consortiumId}/audit-head?seq=${head.seq}`);
    expect(linked.body).toEqual(head);
  });

  it('says nothing of a chain with no entry yet', () => {
    expect(headsSubtitle([{ consortiumId: 'c', consortiumName: '協議会', head: { seq: 0, hash: '0'.repeat(64), at: null } }], PUBLIC_URL)).toBe('');
  });
});
