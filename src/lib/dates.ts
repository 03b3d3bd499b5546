/** A real calendar date written YYYY-MM-DD (so 2023-02-30 is refused), or null. */
export function parseCalendarDate(text: string): { y: number; m: number; d: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return { y, m: mo, d };
}

/** Whole years between a birth date and `now` (UTC). */
export function ageOn(birth: { y: number; m: number; d: number }, now: Date): number {
  let age = now.getUTCFullYear() - birth.y;
  const beforeBirthday = now.getUTCMonth() + 1 < birth.m || (now.getUTCMonth() + 1 === birth.m && now.getUTCDate() < birth.d);
  if (beforeBirthday) age--;
  return age;
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
