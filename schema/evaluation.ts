import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { caseRef, cases } from './cases.ts';
import { users, vendorRef } from './tenancy.ts';
import { at } from './columns.ts';


export type CriterionMode = 'points' | 'grade' | 'pass_fail' | 'price';
export interface Criterion {
  code: string;
  group?: string;
  name: string;
  maxPoints: number;
  mode: CriterionMode;
  /** what the evaluator should look for (評価の視点) */
  guidance?: string;
}
export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';
export type SheetScore = number | Grade | boolean;

/** The published evaluation rules of a proposal case (評価基準). */
export const evaluations = pgTable('evaluations', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  criteria: jsonb('criteria').$type<Criterion[]>().notNull(),
  aggregation: text('aggregation', { enum: ['average', 'sum', 'trimmed_mean'] }).notNull(),
  /** 最低基準点 as a decimal string, e.g. "0.6" */
  passRatio: text('pass_ratio').notNull(),
  /** grade → coefficient as decimal strings, e.g. {"A": "1", "B": "0.75"} */
  grades: jsonb('grades').$type<Record<Grade, string>>().notNull(),
  anonymize: boolean('anonymize').notNull(),
  closedAt: at('closed_at'),
  updatedAt: at('updated_at').notNull(),
});

/** The committee: who evaluates this case. */
export const evaluators = pgTable(
  'evaluators',
  {
    caseId: caseRef(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** set by the conflict-of-interest declaration (利害関係の申告); null until declared */
    conflict: boolean('conflict'),
    note: text('note'),
    declaredAt: at('declared_at'),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] })],
);

/** One evaluator's scoring sheet for one vendor. `version` rises with every save. */
export const sheets = pgTable(
  'sheets',
  {
    caseId: caseRef(),
    evaluatorId: text('evaluator_id')
      .notNull()
      .references(() => users.id),
    vendorId: vendorRef(),
    scores: jsonb('scores').$type<Record<string, SheetScore>>().notNull(),
    comment: text('comment').notNull().default(''),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull(),
    version: integer('version').notNull(),
    updatedAt: at('updated_at').notNull(),
    submittedAt: at('submitted_at'),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.evaluatorId, t.vendorId] }), index('sheets_case_idx').on(t.caseId, t.status)],
);
