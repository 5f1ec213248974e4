import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { consortia, members, users } from './tenancy.ts';
import { at } from './columns.ts';


export interface CaseOption {
  code: string;
  name: string;
  /** yen per unit, tax excluded; absent when the option carries no charge of its own */
  price?: number | null;
}

/** The stored apportionment rule; ratios of a mixed rule in millionths. */
export type StoredApportionmentRule =
  | { method: 'equal' | 'population' | 'births'; total: number }
  | { method: 'tier'; tierPrices: Record<string, number> }
  | { method: 'mixed'; total: number; ratios: { equal: number; population: number; births: number } }
  | { method: 'none' };

export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    method: text('method', { enum: ['proposal', 'competitive_bid', 'comprehensive'] }).notNull(),
    contractMode: text('contract_mode', { enum: ['bulk', 'individual'] }).notNull(),
    fiscalYear: integer('fiscal_year').notNull(),
    state: text('state', { enum: ['draft', 'rfi', 'spec_review', 'open', 'evaluation', 'awarded', 'cancelled'] }).notNull(),
    options: jsonb('options').$type<CaseOption[]>().notNull(),
    rfiDeadline: at('rfi_deadline'),
    submissionDeadline: at('submission_deadline'),
    apportionment: jsonb('apportionment').$type<StoredApportionmentRule>(),
    publishedAt: at('published_at'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [index('cases_consortium_idx').on(t.consortiumId, t.fiscalYear)],
);

/** The case a row belongs to. */
export const caseRef = () => text('case_id').notNull().references(() => cases.id);

export const participants = pgTable(
  'participants',
  {
    caseId: caseRef(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    participating: boolean('participating').notNull(),
    /** option code → true/false or a quantity */
    options: jsonb('options').$type<Record<string, boolean | number>>().notNull(),
    /** when the member (last) declared it joins */
    joinedAt: at('joined_at'),
    /** joined once the case was published (後乗り) */
    lateJoin: boolean('late_join').notNull().default(false),
    withdrawnAt: at('withdrawn_at'),
    updatedAt: at('updated_at').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.memberId] })],
);

export const surveys = pgTable(
  'surveys',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    title: text('title').notNull(),
    candidates: jsonb('candidates').$type<{ code: string; name: string }[]>().notNull(),
    points: jsonb('points').$type<number[]>().notNull(),
    /** participation threshold in millionths of all members */
    thresholdMillionths: integer('threshold_millionths').notNull(),
    closesAt: at('closes_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('surveys_consortium_idx').on(t.consortiumId)],
);

export const surveyResponses = pgTable(
  'survey_responses',
  {
    surveyId: text('survey_id')
      .notNull()
      .references(() => surveys.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    ranking: jsonb('ranking').$type<string[]>().notNull(),
    intents: jsonb('intents').$type<Record<string, 'join' | 'study' | 'interested' | 'none'>>().notNull(),
    updatedAt: at('updated_at').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.memberId] })],
);

/**
 * A change of a published schedule (提出期限, 入札締切, 開札日時) once proposals or bids may have arrived:
 * only later, each with its reason, shown to every vendor of the case.
 */
export const scheduleChanges = pgTable(
  'schedule_changes',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    at: at('at').notNull(),
    changedBy: text('changed_by').references(() => users.id),
    reason: text('reason').notNull(),
    /** [{field, round?, from, to}] with ISO times */
    changes: jsonb('changes').$type<{ field: 'submissionDeadline' | 'bidDeadline' | 'bidOpening'; round?: number; from: string | null; to: string }[]>().notNull(),
  },
  (t) => [index('schedule_changes_case_idx').on(t.caseId, t.at)],
);
