/**
 * Builds one SQL statement out of parts that several modules write, each
 * about its own tables: a part asks for a placeholder per value, so parts
 * compose without knowing each other's parameter numbers. The authorization
 * batch reads (and writes) everything it needs in one round trip this way.
 */
export class Statement {
  readonly params: unknown[] = [];

  /** A placeholder for `value`, with an explicit cast (arrays and bigints need one for PostgreSQL to type them). */
  param(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.params.length}::${cast}`;
  }
}

/**
 * A literal for SQL sent without parameters (the simple protocol, which can
 * carry several statements in one round trip). Only for values whose shape the
 * caller has checked (ids); quotes are doubled and backslashes forbidden, so
 * nothing can leave the literal.
 */
export function textLiteral(value: string): string {
  if (/[\\\u0000]/.test(value)) throw new Error('textLiteral: backslashes and NUL are not allowed');
  return `'${value.replace(/'/g, "''")}'`;
}
