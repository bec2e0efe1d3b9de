CREATE TABLE "catalogue_stock" (
	"variant_id" text PRIMARY KEY NOT NULL,
	"available" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cancellation_reason" text;--> statement-breakpoint
-- Orders cancelled before the code existed get it from the reason their last status change gave.
UPDATE "orders" o SET "cancellation_reason" = CASE
	WHEN c."reason" = 'Out of stock' THEN 'OUT_OF_STOCK'
	WHEN c."reason" LIKE 'Payment declined%' THEN 'PAYMENT_DECLINED'
	WHEN c."reason" = 'Cancelled by an administrator' THEN 'CANCELLED_BY_ADMIN'
	ELSE 'CANCELLED_BY_CUSTOMER'
END
FROM (
	SELECT DISTINCT ON ("order_id") "order_id", "reason" FROM "order_status_changes"
	WHERE "status" = 'CANCELLED' ORDER BY "order_id", "at" DESC
) c
WHERE o."id" = c."order_id" AND o."status" = 'CANCELLED';
