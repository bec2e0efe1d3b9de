CREATE TABLE "data_request_replies" (
	"request_id" text NOT NULL,
	"service" text NOT NULL,
	"data" jsonb,
	"summary" jsonb,
	"received_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	CONSTRAINT "data_request_replies_request_id_service_pk" PRIMARY KEY("request_id","service")
);
--> statement-breakpoint
CREATE TABLE "data_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"requested_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "data_requests_kind_known" CHECK ("data_requests"."kind" in ('EXPORT', 'ERASURE')),
	CONSTRAINT "data_requests_status_known" CHECK ("data_requests"."status" in ('PENDING', 'READY', 'EXPIRED', 'COMPLETED'))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "data_request_replies" ADD CONSTRAINT "data_request_replies_request_id_data_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."data_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_requests_user_idx" ON "data_requests" USING btree ("user_id","requested_at");--> statement-breakpoint
CREATE INDEX "data_requests_requested_idx" ON "data_requests" USING btree ("requested_at","id");