CREATE TABLE "bid_rounds" (
	"case_id" text NOT NULL,
	"round" integer NOT NULL,
	"deadline_at" timestamp (3) with time zone NOT NULL,
	"opening_at" timestamp (3) with time zone NOT NULL,
	"opened_at" timestamp (3) with time zone,
	"opened_by" text,
	"result" jsonb,
	CONSTRAINT "bid_rounds_case_id_round_pk" PRIMARY KEY("case_id","round")
);
--> statement-breakpoint
CREATE TABLE "biddings" (
	"case_id" text PRIMARY KEY NOT NULL,
	"ceiling_price" bigint NOT NULL,
	"ceiling_public" boolean NOT NULL,
	"floor_price" bigint,
	"investigation_price" bigint,
	"max_rounds" integer NOT NULL,
	"lot_system_value" text NOT NULL,
	"tax_rate" text NOT NULL,
	"comprehensive" jsonb,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bids" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"round" integer NOT NULL,
	"vendor_id" text NOT NULL,
	"kind" text NOT NULL,
	"sealed_amount" text,
	"opened_amount" bigint,
	"lot_number" integer NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"digest" text NOT NULL,
	"salt" text NOT NULL,
	"recorded_by" text
);
--> statement-breakpoint
CREATE TABLE "secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bid_rounds" ADD CONSTRAINT "bid_rounds_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bid_rounds" ADD CONSTRAINT "bid_rounds_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "biddings" ADD CONSTRAINT "biddings_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_vendor_id_vendors_id_fk" FOREIGN KEY ("vendor_id") REFERENCES "public"."vendors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bids" ADD CONSTRAINT "bids_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bids_one_per_round_uq" ON "bids" USING btree ("case_id","round","vendor_id");--> statement-breakpoint
CREATE INDEX "bids_case_round_idx" ON "bids" USING btree ("case_id","round");