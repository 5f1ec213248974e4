CREATE TABLE "case_years" (
	"case_id" text NOT NULL,
	"fiscal_year" integer NOT NULL,
	"rule" jsonb,
	"closed_at" timestamp (3) with time zone,
	"closed_by" text,
	"shares" jsonb,
	CONSTRAINT "case_years_case_id_fiscal_year_pk" PRIMARY KEY("case_id","fiscal_year")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "negotiated_ground" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "negotiated_reason" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "contract_party_member_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "source_survey_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "source_candidate_code" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "threshold_exception" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "from_fiscal_year" integer;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "until_fiscal_year" integer;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "provisional" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "standard_price" integer;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "stage" text DEFAULT 'ranking' NOT NULL;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "case_id" text;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "target_fiscal_year" integer;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "fiscal_year" integer;--> statement-breakpoint
ALTER TABLE "case_years" ADD CONSTRAINT "case_years_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_years" ADD CONSTRAINT "case_years_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_contract_party_member_id_members_id_fk" FOREIGN KEY ("contract_party_member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;