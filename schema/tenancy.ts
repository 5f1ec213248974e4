import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { at } from './columns.ts';

const createdAt = () => at('created_at').notNull();

export const consortia = pgTable('consortia', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const members = pgTable(
  'members',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['prefecture', 'city', 'town', 'village', 'union', 'other'] }).notNull(),
    // 地方公共団体コード (6 digits with check digit)
    code: text('code'),
    population: integer('population'),
    // births per fiscal year: {"2023": 1234}
    births: jsonb('births').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    index('members_consortium_idx').on(t.consortiumId),
    uniqueIndex('members_consortium_code_uq').on(t.consortiumId, t.code),
  ],
);

export const vendors = pgTable(
  'vendors',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    name: text('name').notNull(),
    // 法人番号 (13 digits, check digit verified), unique within a consortium
    corporateNumber: text('corporate_number'),
    /** 入札参加資格: a self-registered vendor is pending until the secretariat decides */
    qualification: text('qualification', { enum: ['pending', 'approved', 'rejected'] }).notNull().default('approved'),
    qualificationReason: text('qualification_reason'),
    qualifiedAt: at('qualified_at'),
    qualifiedBy: text('qualified_by'),
    /** 所在地 and 代表者 (代表取締役 山田 太郎), as a notice is addressed */
    address: text('address'),
    representative: text('representative'),
    createdAt: createdAt(),
  },
  (t) => [index('vendors_consortium_idx').on(t.consortiumId), uniqueIndex('vendors_consortium_corporate_number_uq').on(t.consortiumId, t.corporateNumber)],
);

/** The vendor a row belongs to. */
export const vendorRef = () => text('vendor_id').notNull().references(() => vendors.id);

export const roles = ['operator', 'secretariat', 'member', 'evaluator', 'vendor'] as const;
export type Role = (typeof roles)[number];

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    // null only for the platform operator
    consortiumId: text('consortium_id').references(() => consortia.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    memberId: text('member_id').references(() => members.id),
    vendorId: text('vendor_id').references(() => vendors.id),
    passwordHash: text('password_hash').notNull(),
    disabledAt: at('disabled_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), index('users_consortium_idx').on(t.consortiumId)],
);

export const sessions = pgTable(
  'sessions',
  {
    // SHA-256 of the bearer token; the token itself is never stored
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    lastSeenAt: at('last_seen_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const auditChains = pgTable('audit_chains', {
  // one hash chain per consortium; "platform" for the operator's own actions
  chainKey: text('chain_key').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/**
 * The audit trail, insert-only (a trigger refuses UPDATE, DELETE and TRUNCATE). An entry is written in
 * the transaction of the change it records; it is then sealed into its chain (audit_seals) by the
 * sealer, so no request waits for the chain.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    chainKey: text('chain_key').notNull(),
    at: at('at').notNull(),
    consortiumId: text('consortium_id'),
    actorUserId: text('actor_user_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    caseId: text('case_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    /** a random id the application gives the entry, so a copied row is refused and a forged one has no MAC */
    uid: text('uid'),
    /** HMAC-SHA256 by the application over the entry's content, with a key that is not in the database */
    mac: text('mac'),
  },
  (t) => [index('audit_case_idx').on(t.consortiumId, t.caseId), index('audit_chain_idx').on(t.chainKey, t.id), uniqueIndex('audit_log_uid_uq').on(t.uid)],
);

/** Entries written but not yet sealed into their chain. */
export const auditPending = pgTable('audit_pending', {
  entryId: bigint('entry_id', { mode: 'number' }).primaryKey(),
});

/**
 * The hash chain: each entry's place (seq) in its chain and SHA-256 over the previous hash and the
 * entry's canonical content. Insert-only, like the log.
 */
export const auditSeals = pgTable(
  'audit_seals',
  {
    chainKey: text('chain_key').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    entryId: bigint('entry_id', { mode: 'number' }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** true: the hash is an HMAC with the application's audit key (false only for seals made before keys) */
    keyed: boolean('keyed').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.chainKey, t.seq] }), uniqueIndex('audit_seals_entry_uq').on(t.entryId)],
);
