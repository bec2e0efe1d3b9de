import { z } from "zod";

/** Emails are stored as given (trimmed) and compared case-insensitively. */
export const emailSchema = z
  .string()
  .trim()
  .max(254, "The email is too long.")
  .pipe(z.email("Enter a valid email address."));

export const nameSchema = z
  .string()
  .trim()
  .min(1, "The name cannot be empty.")
  .max(100, "The name must be at most 100 characters.");
