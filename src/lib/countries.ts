import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(en);

/** ISO 3166-1 alpha-2, from the maintained i18n-iso-countries dataset (upper case only). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}

/** The English short name, e.g. FR → France. */
export function countryName(code: string): string | null {
  return countries.getName(code, 'en', { select: 'official' }) ?? null;
}

export function allCountries(): { code: string; name: string }[] {
  return Object.entries(countries.getNames('en', { select: 'official' })).map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * The everyday English name: the dataset's first (official) name, unless it
 * is a formal long form with a common short one ("United States of America"
 * → "United States", "Islamic Republic of Iran" → "Iran").
 */
export function countryCommonName(code: string): string | null {
  const names = countries.getName(code, 'en', { select: 'all' }) ?? [];
  const [official, second] = names;
  if (!official) return null;
  return / of /i.test(official) && second && /[a-z]/.test(second) ? second : official;
}
