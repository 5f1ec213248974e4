import { boolean, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { consortia, members, users } from './tenancy.ts';
import { at } from './columns.ts';


export interface CaseOption {
  code: string;
  name: string;
  /** yes/no: taken or not, charged once; quantity: a count, charged per unit (absent in options stored before kinds: a quantity) */
  kind?: 'yesno' | 'quantity';
  /** yen per unit, tax excluded; absent when the option carries no charge of its own */
  price?: number | null;
}

/**
 * A year's total that follows the participants' summed births or population (数量連動): a unit price
 * per head, or the amount of the first tier whose upper bound (null: none) holds the sum.
 */
export interface StoredVolumePricing {
  basis: 'births' | 'population';
  unitPrice?: number;
  tiers?: { upTo: number | null; amount: number }[];
}

/** The stored apportionment rule; ratios of a mixed rule in millionths. */
export type StoredApportionmentRule =
  | { method: 'equal' | 'population' | 'births'; total: number; volumePricing?: StoredVolumePricing }
  | { method: 'tier'; tierPrices: Record<string, number> }
  | { method: 'mixed'; total: number; ratios: { equal: number; population: number; births: number }; volumePricing?: StoredVolumePricing }
  | { method: 'none' };

export interface StoredYearAmendment {
  at: string;
  by: string;
  reason: string;
  before: StoredYearShares;
}

/** The shares of one fiscal year as they were frozen when the year was closed (or issued with the award). */
export interface StoredYearShares {
  method: string | null;
  total: number;
  sum: number;
  optionTotal: number;
  shares: { memberId: string; memberName: string; base: number; optionCharges: number; amount: number; options: Record<string, boolean | number>; joinedAt?: string | null; lateJoin?: boolean }[];
  /** the summed births or population a volume price was read at */
  volume?: { basis: 'births' | 'population'; sum: number };
  /** who signed the year's bulk contract for all (memberId null: the consortium) */
  party?: { memberId: string | null; name: string };
}

export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    method: text('method', { enum: ['proposal', 'competitive_bid', 'comprehensive', 'negotiated', 'quotation'] }).notNull(),
    /** 随意契約: the item (1–9) of 地方自治法施行令 第167条の2 第1項 and why it applies */
    negotiatedGround: text('negotiated_ground'),
    negotiatedReason: text('negotiated_reason'),
    contractMode: text('contract_mode', { enum: ['bulk', 'individual'] }).notNull(),
    /** the member body that signs a bulk contract for all (e.g. the prefecture, a 一部事務組合); null: the consortium itself */
    contractPartyMemberId: text('contract_party_member_id').references(() => members.id),
    /** the survey candidate the case was decided from, and why it went ahead below the threshold (政策性) */
    sourceSurveyId: text('source_survey_id'),
    sourceCandidateCode: text('source_candidate_code'),
    thresholdException: text('threshold_exception'),
    fiscalYear: integer('fiscal_year').notNull(),
    state: text('state', { enum: ['draft', 'rfi', 'spec_review', 'open', 'evaluation', 'awarded', 'cancelled'] }).notNull(),
    options: jsonb('options').$type<CaseOption[]>().notNull(),
    rfiDeadline: at('rfi_deadline'),
    submissionDeadline: at('submission_deadline'),
    /** 質問受付期限: questions about the published case are accepted until then */
    questionDeadline: at('question_deadline'),
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
    /** the first fiscal year the member takes part in (null: the case's own year) */
    fromFiscalYear: integer('from_fiscal_year'),
    /** the last fiscal year it takes part in, when it leaves at a year end (null: no end) */
    untilFiscalYear: integer('until_fiscal_year'),
    /** entered from a survey's "join" answer, not yet confirmed by the member */
    provisional: boolean('provisional').notNull().default(false),
    /** the vendor's standard (list) price for this body alone, tax excluded: the base of the savings report */
    standardPrice: integer('standard_price'),
    updatedAt: at('updated_at').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.memberId] })],
);

/**
 * A fiscal year of a case: the rule that takes effect from that year (tier prices, a volume table), and
 * once the year is closed the shares as they were frozen; a closed year never changes again.
 */
export const caseYears = pgTable(
  'case_years',
  {
    caseId: caseRef(),
    fiscalYear: integer('fiscal_year').notNull(),
    rule: jsonb('rule').$type<StoredApportionmentRule>(),
    closedAt: at('closed_at'),
    closedBy: text('closed_by').references(() => users.id),
    shares: jsonb('shares').$type<StoredYearShares>(),
    /** 変更: each re-issue of a closed year's shares, with its reason and the shares it replaced */
    amendments: jsonb('amendments').$type<StoredYearAmendment[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.fiscalYear] })],
);

export const surveys = pgTable(
  'surveys',
  {
    id: text('id').primaryKey(),
    consortiumId: text('consortium_id')
      .notNull()
      .references(() => consortia.id),
    title: text('title').notNull(),
    candidates: jsonb('candidates').$type<{ code: string; name: string; proposedBy?: string; note?: string }[]>().notNull(),
    /** 'proposals': members propose systems (first stage); 'ranking': members rank the candidates */
    stage: text('stage', { enum: ['proposals', 'ranking'] }).notNull().default('ranking'),
    /** a yearly 次年度参加意向調査 of a running case, and the fiscal year its "join" answers are for */
    caseId: text('case_id'),
    targetFiscalYear: integer('target_fiscal_year'),
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
