CREATE TABLE "erased_customers" (
	"user_id" text PRIMARY KEY NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_deliveries" DROP CONSTRAINT "email_deliveries_topic_known";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_topic_known";--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_topic_known" CHECK ("email_deliveries"."topic" in ('WELCOME', 'ORDER_PLACED', 'ORDER_PAID', 'ORDER_SHIPPED', 'ORDER_CANCELLED', 'ORDER_REFUNDED', 'PRICE_DROP', 'BACK_IN_STOCK', 'DATA_EXPORT_READY'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_topic_known" CHECK ("notifications"."topic" in ('WELCOME', 'ORDER_PLACED', 'ORDER_PAID', 'ORDER_SHIPPED', 'ORDER_CANCELLED', 'ORDER_REFUNDED', 'PRICE_DROP', 'BACK_IN_STOCK', 'DATA_EXPORT_READY'));