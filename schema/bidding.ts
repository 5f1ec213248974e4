import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { caseRef, cases } from './cases.ts';
import { users, vendorRef } from './tenancy.ts';
import { at } from './columns.ts';


/** Server-held secrets, such as the key that seals bid amounts when SEAL_KEY is not given. */
export const secrets = pgTable('secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** The tender's published and unpublished prices and rules (入札の設定). */
export const biddings = pgTable('biddings', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  /** 予定価格, yen tax excluded */
  ceilingPrice: bigint('ceiling_price', { mode: 'number' }).notNull(),
  ceilingPublic: boolean('ceiling_public').notNull(),
  /** 最低制限価格 */
  floorPrice: bigint('floor_price', { mode: 'number' }),
  /** 低入札価格調査基準価格 */
  investigationPrice: bigint('investigation_price', { mode: 'number' }),
  maxRounds: integer('max_rounds').notNull(),
  lotSystemValue: text('lot_system_value', { enum: ['receipt_ms', 'epoch_seconds', 'random'] }).notNull(),
  /** consumption tax rate as a decimal string, e.g. "0.1" */
  taxRate: text('tax_rate').notNull(),
  comprehensive: jsonb('comprehensive').$type<{ mode: 'additive' | 'division'; pricePoints: number; technicalScores: Record<string, number> } | null>(),
  updatedAt: at('updated_at').notNull(),
});

export const bidRounds = pgTable(
  'bid_rounds',
  {
    caseId: caseRef(),
    round: integer('round').notNull(),
    deadlineAt: at('deadline_at').notNull(),
    openingAt: at('opening_at').notNull(),
    openedAt: at('opened_at'),
    openedBy: text('opened_by').references(() => users.id),
    /** the opening's result, written once (outcome, winner, every bid's status, the lot's arithmetic) */
    result: jsonb('result').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.round] })],
);

/**
 * A sealed bid. Before its round is opened the amount exists only as `sealed_amount` (AES-256-GCM,
 * bound to case, round and vendor); the opening writes `opened_amount`.
 */
export const bids = pgTable(
  'bids',
  {
    id: text('id').primaryKey(),
    caseId: caseRef(),
    round: integer('round').notNull(),
    vendorId: vendorRef(),
    kind: text('kind', { enum: ['electronic', 'paper', 'declined'] }).notNull(),
    sealedAmount: text('sealed_amount'),
    openedAmount: bigint('opened_amount', { mode: 'number' }),
    lotNumber: integer('lot_number').notNull(),
    receivedAt: at('received_at').notNull(),
    /** SHA-256 over the bid's canonical content and its salt, given to the vendor on its receipt */
    digest: text('digest').notNull(),
    /**
     * Only on bids received before salts were keyed: now the salt is derived from a key outside the
     * database and revealed with the opened amount, so the vendor can check its receipt.
     */
    salt: text('salt'),
    recordedBy: text('recorded_by').references(() => users.id),
  },
  (t) => [uniqueIndex('bids_one_per_round_uq').on(t.caseId, t.round, t.vendorId), index('bids_case_round_idx').on(t.caseId, t.round)],
);
