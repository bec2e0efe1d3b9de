/**
 * DataLoader batch results must line up with the keys asked for. These turn one query's rows
 * into that shape, so every service's loaders stay one-liners.
 */

/** One row (or null) per key. */
export function rowsByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Every row of each key, in the rows' order (an empty list for a key without rows). */
export function rowsGroupedByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
