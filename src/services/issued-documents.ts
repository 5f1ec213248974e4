import { createHash } from 'node:crypto';
import { and, desc, eq, max } from 'drizzle-orm';
import { issuedDocuments } from '../../schema/index.ts';
import { type Ctx, dbOf, logOf, nowOf } from '../context.ts';
import { type CaseRow, findCase } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { canonicalJson } from '../domain/audit-chain.ts';
import { fiscalYearOf } from '../domain/fiscal-year.ts';
import { documentNumber } from '../domain/issuer.ts';
import { awardPayload } from '../documents/payloads/award.ts';
import { commentResponsesPayload } from '../documents/payloads/comments.ts';
import type { BuiltDocument, DocumentContext } from '../documents/payloads/common.ts';
import { evaluationSummaryPayload } from '../documents/payloads/evaluation.ts';
import { questionAnswersPayload } from '../documents/payloads/question-answers.ts';
import { specPayload } from '../documents/payloads/spec.ts';
import { tabulationPayload } from '../documents/payloads/tabulation.ts';
import { DocumentTemplateError, renderDocument } from '../documents/renderer.ts';
import { SigningError, signIssuedDocument } from '../documents/sign.ts';
import { loadTemplate } from '../documents/template.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { mutate } from '../http/mutate.ts';
import { findAward } from './award.ts';
import { findBidding } from './bidding.ts';
import { findEvaluation } from './evaluation.ts';
import { issuerSettings } from './issuer.ts';
import { hasComments } from './spec.ts';
import { hasAnsweredQuestions } from './questions.ts';

/** The documents a case issues, in the order of a case's life. */
export const documentKinds = ['spec', 'comment-responses', 'question-answers', 'evaluation-summary', 'bid-tabulation', 'award'] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** Each document's name, as its file and the case page call it. */
export const documentTitles: Record<DocumentKind, string> = {
  spec: '仕様書',
  'comment-responses': '意見対応表',
  'question-answers': '質問回答書',
  'evaluation-summary': '評価結果',
  'bid-tabulation': '入札経過調書',
  award: '決定通知',
};

export const isDocumentKind = (v: string): v is DocumentKind => (documentKinds as readonly string[]).includes(v);

/** What the public may read once issued: the spec, the 質問回答書, the evaluation result and the tabulation. */
export const publicDocumentKinds = ['spec', 'question-answers', 'evaluation-summary', 'bid-tabulation'] as const;
/** Whether the public may read a kind of document: the spec and the 質問回答書 once issued, the other two once the award is made. */
export const readableByPublic = (kind: string, awarded: boolean): kind is (typeof publicDocumentKinds)[number] =>
  (publicDocumentKinds as readonly string[]).includes(kind) && (kind === 'spec' || kind === 'question-answers' || awarded);

/**
 * The copy of a document as it is issued and published. The evaluation result names the vendors once
 * the award is made (the award names them all); before it, it keeps the committee's anonymisation.
 */
export async function buildDocument(db: Db, row: CaseRow, kind: DocumentKind, ctx: DocumentContext): Promise<BuiltDocument | null> {
  switch (kind) {
    case 'spec':
      return specPayload(db, row, ctx);
    case 'award':
      return awardPayload(db, row, ctx);
    case 'bid-tabulation':
      return tabulationPayload(db, row, ctx);
    case 'evaluation-summary': {
      const evaluation = await findEvaluation(db, row.id);
      const awarded = Boolean(await findAward(db, row.id));
      return evaluationSummaryPayload(db, row, ctx, (evaluation?.row.anonymize ?? false) && !awarded, true);
    }
    case 'comment-responses':
      return commentResponsesPayload(db, row, ctx, false);
    case 'question-answers':
      return questionAnswersPayload(db, row, ctx);
  }
}

/** Which of a case's documents have their data yet (a document whose data does not exist is not offered). */
export async function documentsAvailable(db: Db, row: CaseRow): Promise<Record<DocumentKind, boolean>> {
  const evaluation = await findEvaluation(db, row.id);
  const bidding = await findBidding(db, row.id);
  return {
    spec: true,
    'comment-responses': await hasComments(db, row.id),
    'question-answers': await hasAnsweredQuestions(db, row.id),
    'evaluation-summary': Boolean(evaluation?.row.closedAt),
    // the tabulation exists once a round has been opened (as tabulationPayload decides)
    'bid-tabulation': Boolean(bidding?.rounds.some((r) => r.openedAt)),
    award: Boolean(await findAward(db, row.id)),
  };
}

/** Why a document cannot be issued yet, as the secretariat is told. */
const notYet: Record<DocumentKind, string> = {
  spec: 'この案件にはまだ仕様書がありません。',
  award: '決定が記録された後に発行できます。',
  'bid-tabulation': '開札の後に発行できます。',
  'evaluation-summary': '評価の締切後に発行できます。',
  'comment-responses': '意見照会で寄せられた意見がないため、意見対応表は作成できません。',
  'question-answers': '回答した質問がないため、質問回答書は作成できません。',
};
const notFinal: Record<DocumentKind, string> = {
  spec: '仕様書は案件の公開とともに発行されます。公開前は案として作成できます。',
  award: '決定が確定していません。',
  'bid-tabulation': '入札が確定していません。',
  'evaluation-summary': '評価が確定していません。',
  'comment-responses': '未回答の意見があるため、意見対応表は案としてのみ作成できます。すべての意見に回答してから発行してください。',
  'question-answers': '公表していない回答があるため、質問回答書は案としてのみ作成できます。回答を公表すると発行されます。',
};

export type IssuedDocumentRow = typeof issuedDocuments.$inferSelect;
export type IssuedDocumentInfo = Omit<IssuedDocumentRow, 'bytes'>;

const info = {
  id: issuedDocuments.id,
  caseId: issuedDocuments.caseId,
  consortiumId: issuedDocuments.consortiumId,
  kind: issuedDocuments.kind,
  version: issuedDocuments.version,
  number: issuedDocuments.number,
  fiscalYear: issuedDocuments.fiscalYear,
  sequence: issuedDocuments.sequence,
  issuedAt: issuedDocuments.issuedAt,
  issuedBy: issuedDocuments.issuedBy,
  sourceDigest: issuedDocuments.sourceDigest,
  sha256: issuedDocuments.sha256,
  signed: issuedDocuments.signed,
  warnings: issuedDocuments.warnings,
};

/** Every issued version of a case's documents, oldest first within each kind (no bytes). */
export async function issuedDocumentsOf(db: Db, caseId: string): Promise<IssuedDocumentInfo[]> {
  const rows = await db.select(info).from(issuedDocuments).where(eq(issuedDocuments.caseId, caseId));
  return rows.sort((a, b) => documentKinds.indexOf(a.kind) - documentKinds.indexOf(b.kind) || a.version - b.version);
}

/** The latest issued version of a kind, without its bytes (to compare what it was drawn from). */
export async function latestIssuedInfo(db: Db, caseId: string, kind: DocumentKind): Promise<IssuedDocumentInfo | undefined> {
  const [row] = await db
    .select(info)
    .from(issuedDocuments)
    .where(and(eq(issuedDocuments.caseId, caseId), eq(issuedDocuments.kind, kind)))
    .orderBy(desc(issuedDocuments.version))
    .limit(1);
  return row;
}

/** One issued version with its bytes; the latest when no version is named. */
export async function findIssuedDocument(db: Db, caseId: string, kind: DocumentKind, version?: number): Promise<IssuedDocumentRow | undefined> {
  const where = version === undefined ? and(eq(issuedDocuments.caseId, caseId), eq(issuedDocuments.kind, kind)) : and(eq(issuedDocuments.caseId, caseId), eq(issuedDocuments.kind, kind), eq(issuedDocuments.version, version));
  const [row] = await db.select().from(issuedDocuments).where(where).orderBy(desc(issuedDocuments.version)).limit(1);
  return row;
}

/** What the document is drawn from, template included: the same source is never issued twice. */
export function sourceDigest(kind: DocumentKind, built: BuiltDocument, ctx: DocumentContext): string {
  const template = loadTemplate(kind);
  return sha256Hex(canonicalJson({ kind, template, payload: built.payload, issuer: ctx.issuer }));
}

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Draws a document; a broken template is the operator's to fix: the log names it, the user gets a plain error. */
export async function drawDocument(kind: DocumentKind, built: BuiltDocument, ctx: DocumentContext, options: { issuedAt: Date; number?: string; draft: boolean }) {
  try {
    return await renderDocument(kind, built.payload, {
      author: ctx.issuer.issuerName,
      issuedAt: options.issuedAt,
      era: ctx.issuer.era,
      draft: options.draft,
      ...(options.number ? { number: options.number } : {}),
    });
  } catch (err) {
    // a broken template is the service's fault: a 500, whose log line carries the template's message as its cause
    if (err instanceof DocumentTemplateError) throw Object.assign(new AppError('internal'), { cause: err });
    throw err;
  }
}

// one issuance at a time per consortium in this process (numbers are consecutive per consortium);
// other instances are kept apart by the unique numbering and version indexes
const queues = new Map<string, Promise<unknown>>();
let issuing = 0;
/** Documents being issued in this process, or waiting their turn (for /metrics). */
export const documentsBeingIssued = (): number => issuing;
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  issuing += 1;
  const run = before.then(fn, fn).finally(() => {
    issuing -= 1;
  });
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

export interface IssueResult {
  document: IssuedDocumentInfo;
  /** false when the latest version was drawn from the same data and is answered instead */
  created: boolean;
}

/**
 * Issues a case's document: draws it once, numbers it (文書番号, consecutive per consortium and fiscal
 * year), signs it where a certificate is configured, and keeps its bytes and SHA-256. Data that has not
 * changed since the latest version gives that version back; a change gives the next version.
 */
export async function issueDocument(c: Ctx, row: CaseRow, kind: DocumentKind): Promise<IssueResult> {
  return serialised(row.consortiumId, async () => {
    const db = dbOf(c);
    const ctx: DocumentContext = { issuer: await issuerSettings(db, row.consortiumId) };
    const built = await buildDocument(db, row, kind, ctx);
    if (!built) throw new AppError('not_yet', notYet[kind]);
    if (built.draft) throw new AppError('not_yet', notFinal[kind]);
    const digest = sourceDigest(kind, built, ctx);
    for (let attempt = 0; ; attempt++) {
      const latest = await latestIssuedInfo(db, row.id, kind);
      if (latest && latest.sourceDigest === digest) return { document: latest, created: false };
      const issuedAt = nowOf(c);
      const fiscalYear = fiscalYearOf(issuedAt);
      const [{ last } = { last: 0 }] = await db
        .select({ last: max(issuedDocuments.sequence) })
        .from(issuedDocuments)
        .where(and(eq(issuedDocuments.consortiumId, row.consortiumId), eq(issuedDocuments.fiscalYear, fiscalYear)));
      const sequence = (last ?? 0) + 1;
      const number = documentNumber(ctx.issuer.documentNumberPattern, sequence);
      const drawn = await drawDocument(kind, built, ctx, { issuedAt, number, draft: false });
      // with a certificate configured a document is never issued unsigned: a failure refuses the issue
      const signed = await signIssuedDocument(drawn.bytes, c.get('deps').config.signing, {
        reason: `${documentTitles[kind]}の発行（${number}）`,
        name: ctx.issuer.issuerName,
        location: ctx.issuer.address || ctx.issuer.issuerName,
        signedAt: issuedAt,
      }).catch((err: unknown) => {
        if (!(err instanceof SigningError)) throw err;
        logOf(c).error({ kind, err }, `文書（${documentTitles[kind]}）に署名できません`);
        throw new AppError('signing_unavailable');
      });
      const version = (latest?.version ?? 0) + 1;
      const record: IssuedDocumentRow = {
        id: newId(),
        caseId: row.id,
        consortiumId: row.consortiumId,
        kind,
        version,
        number,
        fiscalYear,
        sequence,
        issuedAt,
        issuedBy: c.get('user')?.id ?? null,
        sourceDigest: digest,
        sha256: sha256Hex(signed.bytes),
        bytes: signed.bytes,
        signed: signed.signed,
        warnings: drawn.warnings,
      };
      try {
        await mutate(c, async (tx, audit) => {
          await tx.insert(issuedDocuments).values(record);
          await audit({
            action: 'document.issue',
            consortiumId: row.consortiumId,
            objectType: 'case',
            objectId: row.id,
            caseId: row.id,
            details: { kind, version, number, sha256: record.sha256, signed: record.signed, warnings: record.warnings },
          });
        });
      } catch (err) {
        // another instance took this number or version first: draw again with the next ones
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
      const { bytes: _bytes, ...rest } = record;
      return { document: rest, created: true };
    }
  });
}

/**
 * The latest issue of a document that is final, issuing it now when it never was (a case published
 * before documents were issued, or an issue that failed at its event); undefined when not final. Only
 * for a signed-in user of the case: the public reads issues, never makes one.
 */
export async function latestIssue(c: Ctx, row: CaseRow, kind: DocumentKind): Promise<IssuedDocumentRow | undefined> {
  const found = await findIssuedDocument(dbOf(c), row.id, kind);
  if (found) return found;
  try {
    await issueDocument(c, row, kind);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_yet') return undefined;
    throw err;
  }
  return findIssuedDocument(dbOf(c), row.id, kind);
}

/** What each event issues (a document whose data is not final yet is left for later). */
export const issuedOn = {
  /** a transition: publication issues the spec; leaving the 意見照会 the answered comment responses */
  transition: ['spec', 'comment-responses'],
  specChange: ['spec'],
  commentAnswered: ['comment-responses'],
  /** the publication of answers issues the 質問回答書 (a new version when a published answer changed) */
  answersPublished: ['question-answers'],
  evaluationClosed: ['evaluation-summary'],
  opening: ['bid-tabulation'],
  /** the award, and the evaluation result and tabulation that now name everyone */
  award: ['award', 'evaluation-summary', 'bid-tabulation'],
} as const satisfies Record<string, readonly DocumentKind[]>;

/**
 * Issues what an event makes final (the award, an opening, the close of the evaluation, publication).
 * The event stands whatever happens here: a document that cannot be drawn now is logged, stays listed
 * as not issued, and the secretariat issues it from the case page.
 */
export async function issueAfterEvent(c: Ctx, before: Pick<CaseRow, 'id' | 'consortiumId'>, event: keyof typeof issuedOn): Promise<void> {
  // the case as the event left it
  const row = await findCase(dbOf(c), before.consortiumId, before.id);
  if (!row) return;
  for (const kind of issuedOn[event]) {
    try {
      await issueDocument(c, row, kind);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_yet') continue;
      logOf(c).error({ kind, caseId: row.id, err }, `文書（${documentTitles[kind]}）を発行できませんでした`);
    }
  }
}
