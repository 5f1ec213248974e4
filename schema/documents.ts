import { bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { IssuerSettings } from '../src/domain/issuer.ts';
import { caseRef, cases } from './cases.ts';
import { consortia, members, users, vendorRef } from './tenancy.ts';
import { at } from './columns.ts';


export interface SpecSection {
  heading: string;
  body: string;
}
export interface SpecRequirement {
  code: string;
  text: string;
  level: 'must' | 'want';
}

/** Every saved version of a case's specification (仕様書); the highest is the current draft. */
export const specVersions = pgTable(
  'spec_versions',
  {
    caseId: caseRef(),
    version: integer('version').notNull(),
    sections: jsonb('sections').$type<SpecSection[]>().notNull(),
    requirements: jsonb('requirements').$type<SpecRequirement[]>().notNull(),
    createdAt: at('created_at').notNull(),
    createdBy: text('created_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.version] })],
);

/** 意見照会: a member's comment on a draft and the secretariat's answer. */
export const specComments = pgTable(
  'spec_comments',
  {
    id: text('id').primaryKey(),
    caseId: caseRef(),
    version: integer('version').notNull(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    userId: text('user_id').references(() => users.id),
    section: text('section').notNull(),
    text: text('text').notNull(),
    createdAt: at('created_at').notNull(),
    response: text('response'),
    /** whether the opinion was reflected in the spec (反映) */
    reflected: boolean('reflected'),
    respondedAt: at('responded_at'),
    respondedBy: text('responded_by').references(() => users.id),
  },
  (t) => [index('spec_comments_case_idx').on(t.caseId, t.createdAt)],
);

/** The decision (落札決定・選定結果): who, for how much, decided how. */
export const awards = pgTable('awards', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  vendorId: vendorRef(),
  /** yen, tax excluded */
  amount: bigint('amount', { mode: 'number' }),
  amountWithTax: bigint('amount_with_tax', { mode: 'number' }),
  taxRate: text('tax_rate').notNull(),
  basis: text('basis', { enum: ['evaluation', 'bidding', 'manual', 'negotiated'] }).notNull(),
  /** the fiscal year whose shares the award issued */
  fiscalYear: integer('fiscal_year'),
  decidedAt: at('decided_at').notNull(),
  decidedBy: text('decided_by').references(() => users.id),
});

/** A consortium's issuer settings (発注者, 文書番号, 公印, 入札場所 …); a consortium without a row uses the defaults. */
export const consortiumSettings = pgTable('consortium_settings', {
  consortiumId: text('consortium_id')
    .primaryKey()
    .references(() => consortia.id),
  settings: jsonb('settings').$type<IssuerSettings>().notNull(),
  updatedAt: at('updated_at').notNull(),
  updatedBy: text('updated_by').references(() => users.id),
});

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * An issued document: drawn once, numbered, its bytes and SHA-256 kept, so every download of it is the
 * same file whatever changes later. A change makes a new version; earlier ones stay.
 */
export const issuedDocuments = pgTable(
  'issued_documents',
  {
    id: text('id').primaryKey(),
    caseId: caseRef(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    kind: text('kind', { enum: ['spec', 'award', 'bid-tabulation', 'evaluation-summary', 'comment-responses', 'question-answers'] }).notNull(),
    version: integer('version').notNull(),
    /** 文書番号 as printed, and its place in the consortium's numbering of the fiscal year */
    number: text('number').notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    sequence: integer('sequence').notNull(),
    issuedAt: at('issued_at').notNull(),
    issuedBy: text('issued_by').references(() => users.id),
    /** SHA-256 of what the document was drawn from: the same data is not issued twice */
    sourceDigest: text('source_digest').notNull(),
    sha256: text('sha256').notNull(),
    bytes: bytea('bytes').notNull(),
    signed: boolean('signed').notNull(),
    warnings: jsonb('warnings').$type<string[]>().notNull(),
  },
  (t) => [
    uniqueIndex('issued_documents_version_uq').on(t.caseId, t.kind, t.version),
    uniqueIndex('issued_documents_number_uq').on(t.consortiumId, t.fiscalYear, t.sequence),
  ],
);
