const dateFormat = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric" });

/** "2026-12-02T10:52:24Z" -> "Dec 2, 2026", in the shopper's time zone. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}
