CREATE TABLE "schedule_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"changed_by" text,
	"reason" text NOT NULL,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bids" ALTER COLUMN "salt" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "uid" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "mac" text;--> statement-breakpoint
ALTER TABLE "audit_seals" ADD COLUMN "keyed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "qualification" text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "qualification_reason" text;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "qualified_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "vendors" ADD COLUMN "qualified_by" text;--> statement-breakpoint
ALTER TABLE "schedule_changes" ADD CONSTRAINT "schedule_changes_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_changes" ADD CONSTRAINT "schedule_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "schedule_changes_case_idx" ON "schedule_changes" USING btree ("case_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_uid_uq" ON "audit_log" USING btree ("uid");--> statement-breakpoint
-- a 法人番号 registered twice in a consortium: the later registrations wait for the secretariat's decision
UPDATE "vendors" v SET "qualification" = 'pending', "qualification_reason" = '法人番号 ' || v."corporate_number" || ' が重複して登録されていました', "corporate_number" = NULL
WHERE v."corporate_number" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "vendors" o WHERE o."consortium_id" = v."consortium_id" AND o."corporate_number" = v."corporate_number"
    AND (o."created_at", o."id") < (v."created_at", v."id"));--> statement-breakpoint
CREATE UNIQUE INDEX "vendors_consortium_corporate_number_uq" ON "vendors" USING btree ("consortium_id","corporate_number");