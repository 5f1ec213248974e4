import { bigint, index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { caseRef, cases } from './cases.ts';
import { consortia, users, vendorRef } from './tenancy.ts';
import { at } from './columns.ts';


export type RfiQuestionKind = 'text' | 'number' | 'yesno' | 'choice' | 'price';
export interface RfiQuestion {
  code: string;
  text: string;
  kind: RfiQuestionKind;
  choices?: string[];
}
export type RfiAnswer = string | number | boolean;

/** 情報提供依頼: one per case. */
export const rfis = pgTable('rfis', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  deadline: at('deadline').notNull(),
  questions: jsonb('questions').$type<RfiQuestion[]>().notNull(),
  updatedAt: at('updated_at').notNull(),
});

export const rfiResponses = pgTable(
  'rfi_responses',
  {
    caseId: caseRef(),
    vendorId: vendorRef(),
    answers: jsonb('answers').$type<Record<string, RfiAnswer>>().notNull(),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull(),
    submittedAt: at('submitted_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.vendorId] })],
);

/** Files received from vendors: RFI attachments and proposal documents. The bytes live in storage. */
export const files = pgTable(
  'files',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    caseId: caseRef(),
    vendorId: vendorRef(),
    purpose: text('purpose', { enum: ['rfi', 'proposal'] }).notNull(),
    /** the name the vendor gave, cleaned; never used as a path */
    name: text('name').notNull(),
    /** the server-generated name in storage */
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    receivedAt: at('received_at').notNull(),
    uploadedBy: text('uploaded_by').references(() => users.id),
  },
  (t) => [index('files_case_vendor_idx').on(t.caseId, t.vendorId, t.purpose)],
);

/** A vendor's proposal (提案) for a case: its price and whether it withdrew (辞退). */
export const proposals = pgTable(
  'proposals',
  {
    caseId: caseRef(),
    vendorId: vendorRef(),
    /** yen, tax excluded */
    price: bigint('price', { mode: 'number' }),
    withdrawnAt: at('withdrawn_at'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.vendorId] })],
);
