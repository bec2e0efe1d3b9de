ALTER TABLE "wishlist_items" ALTER COLUMN "added_at" SET DEFAULT date_trunc('milliseconds', now());--> statement-breakpoint
-- Keyset cursors carry milliseconds (JavaScript dates): stored times must match them exactly.
UPDATE "wishlist_items" SET "added_at" = date_trunc('milliseconds', "added_at");