import pg from 'pg';

const INT8 = 20;
const INT8_ARRAY = 1016;
const TEXT_ARRAY = 1009;
const DATE = 1082;

const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY as never) as (v: string) => (string | null)[];

/**
 * int8 arrives from node-postgres as a string to avoid losing precision; money
 * is bigint end to end, so it is parsed as bigint here, once, for every query.
 */
export const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8) return (v: string) => BigInt(v);
    // A calendar date is not an instant: keep 'YYYY-MM-DD' rather than a Date at local midnight.
    if (oid === DATE) return (v: string) => v;
    if (oid === INT8_ARRAY) return (v: string) => parseTextArray(v).map((x) => (x === null ? null : BigInt(x)));
    return pg.types.getTypeParser(oid as never, format ?? "text") as (value: string) => unknown;
  },
};
