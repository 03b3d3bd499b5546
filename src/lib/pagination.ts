/** Why 100: a page is one query and one response; larger exports belong to a report, not a list call. */
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 10;

export interface PageRequest {
  limit: number;
  /** Return objects after this id in list order (newest first). */
  startingAfter: string | null;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/** Fetch limit + 1 rows, then call this: the extra row only says that there is more. */
export function toPage<T>(rows: T[], limit: number): Page<T> {
  return { data: rows.slice(0, limit), hasMore: rows.length > limit };
}
