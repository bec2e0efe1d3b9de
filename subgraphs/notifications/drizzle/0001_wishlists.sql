CREATE TABLE "catalogue_stock" (
	"variant_id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"in_stock" boolean NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"order_id" text NOT NULL,
	"product_id" text NOT NULL,
	"user_id" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	CONSTRAINT "purchases_order_id_product_id_pk" PRIMARY KEY("order_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "wishlist_items" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"product_id" text NOT NULL,
	"variant_id" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wishlist_items_user_item_key" UNIQUE NULLS NOT DISTINCT("user_id","product_id","variant_id")
);
--> statement-breakpoint
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_topic_known";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_topic_known";--> statement-breakpoint
DROP INDEX "email_deliveries_event_topic_key";--> statement-breakpoint
DROP INDEX "notifications_event_topic_key";--> statement-breakpoint
ALTER TABLE "catalogue_variants" ADD COLUMN "price_amount" bigint;--> statement-breakpoint
ALTER TABLE "catalogue_variants" ADD COLUMN "currency_code" text;--> statement-breakpoint
ALTER TABLE "catalogue_variants" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "purchases_user_product_idx" ON "purchases" USING btree ("user_id","product_id");--> statement-breakpoint
CREATE INDEX "wishlist_items_user_idx" ON "wishlist_items" USING btree ("user_id","added_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "wishlist_items_variant_idx" ON "wishlist_items" USING btree ("variant_id");--> statement-breakpoint
CREATE INDEX "wishlist_items_product_idx" ON "wishlist_items" USING btree ("product_id") WHERE variant_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "email_deliveries_event_topic_user_key" ON "email_deliveries" USING btree ("event_id","topic","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_event_topic_user_key" ON "notifications" USING btree ("event_id","topic","user_id");--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_topic_known" CHECK ("email_deliveries"."topic" in ('WELCOME', 'ORDER_PLACED', 'ORDER_PAID', 'ORDER_SHIPPED', 'ORDER_CANCELLED', 'ORDER_REFUNDED', 'PRICE_DROP', 'BACK_IN_STOCK'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_topic_known" CHECK ("notifications"."topic" in ('WELCOME', 'ORDER_PLACED', 'ORDER_PAID', 'ORDER_SHIPPED', 'ORDER_CANCELLED', 'ORDER_REFUNDED', 'PRICE_DROP', 'BACK_IN_STOCK'));