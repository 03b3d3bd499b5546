/**
 * What a card embosser (and most card networks' name fields) can carry:
 * capital letters, space, hyphen, apostrophe and full stop. Names are
 * refused, not transliterated, when they do not fit: a silently mangled name
 * on a card is worse than a clear error.
 */
export const EMBOSSED_NAME_LENGTH_MAX = 26;
const NAME = /^[A-Za-z][A-Za-z '.-]*$/;
// Addresses also need digits and the usual separators.
const ADDRESS = /^[A-Za-z0-9][A-Za-z0-9 '.,\/#-]*$/;

export const fitsNameCharset = (s: string) => NAME.test(s);
export const fitsAddressCharset = (s: string) => ADDRESS.test(s);

/** The cardholder name as embossed: upper case, single spaces. */
export function embossedName(first: string, last: string): string {
  return `${first} ${last}`.toUpperCase().replace(/\s+/g, ' ').trim();
}
