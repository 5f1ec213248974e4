import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { caseRef, cases } from './cases.ts';
import { members, users, vendorRef } from './tenancy.ts';
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
