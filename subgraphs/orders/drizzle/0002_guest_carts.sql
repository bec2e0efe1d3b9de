ALTER TABLE "carts" ALTER COLUMN "user_id" DROP NOT NULL;--> statement-breakpoint
CREATE INDEX "carts_idle_guest_idx" ON "carts" USING btree ("updated_at") WHERE "carts"."user_id" is null;