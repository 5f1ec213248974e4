CREATE TABLE "audit_pending" (
	"entry_id" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_seals" (
	"chain_key" text NOT NULL,
	"seq" bigint NOT NULL,
	"entry_id" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_seals_chain_key_seq_pk" PRIMARY KEY("chain_key","seq")
);
--> statement-breakpoint
DROP INDEX "audit_chain_seq_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_seals_entry_uq" ON "audit_seals" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "audit_chain_idx" ON "audit_log" USING btree ("chain_key","id");--> statement-breakpoint
-- entries chained so far keep their place and hash: the hashed content is the same
INSERT INTO "audit_seals" ("chain_key", "seq", "entry_id", "prev_hash", "hash") SELECT "chain_key", "seq", "id", "prev_hash", "hash" FROM "audit_log";--> statement-breakpoint
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON "audit_seals" FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON "audit_seals" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();--> statement-breakpoint
ALTER TABLE "audit_log" DROP COLUMN "seq";--> statement-breakpoint
ALTER TABLE "audit_log" DROP COLUMN "prev_hash";--> statement-breakpoint
ALTER TABLE "audit_log" DROP COLUMN "hash";