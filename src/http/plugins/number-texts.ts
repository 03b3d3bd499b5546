import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { assert } from '../../lib/assert.ts';
import { DomainError } from '../../lib/errors.ts';
import { jsonPointer, type NumberTexts } from '../../lib/json-guard.ts';
import { PLAIN_INTEGER } from '../../lib/money.ts';

/**
 * Numbers are read from their text in the request body, never from the double
 * JSON.parse made of them (SPEC §4: an amount is never rounded silently). The
 * JSON body parser notes every number literal's text (`request.numberTexts`);
 * a body field whose schema is built with `ExactInteger` must be written as
 * digits only — 1.0000000000000001, 1.0, 1e2, -0 and 9007199254740993 are a
 * 400 `parameter_invalid` naming the field, even where the double would pass
 * the schema — and routes take its value with `amountFrom`, a bigint built from
 * that text. The check is one preHandler for every route, driven by the schema,
 * so a route cannot forget it; facades, whose decimals depend on the card's
 * currency, read the text with `decimalText`.
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** The source text of each number in a JSON body, by JSON Pointer; null without a JSON body. */
    numberTexts: NumberTexts | null;
  }
}

/** The schema keyword that marks an exact integer (an OpenAPI extension, so the document shows it). */
export const EXACT_INTEGER = 'x-exact-integer';

/** An integer body field that must be written as digits only; still `integer` in the OpenAPI document. */
export function ExactInteger(options: { minimum: number; maximum: number; description: string }) {
  assert(Number.isSafeInteger(options.minimum) && Number.isSafeInteger(options.maximum), 'exact-integer bounds must be safe integers');
  return Type.Integer({
    ...options, [EXACT_INTEGER]: true,
    description: `${options.description} Written with digits only: 1.0, 1e2 or -0 is refused, never rounded.`,
  });
}

/** The parts of a JSON Schema that can hold a marked field. */
interface Schema {
  [EXACT_INTEGER]?: boolean;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  items?: Schema | Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
/** A path inside the body: property names, and EACH for every element of an array. */
const EACH = Symbol('each');
type Marked = { path: (string | typeof EACH)[]; schema: Schema };

const markedCache = new WeakMap<object, Marked[]>();

/** Where a body schema has ExactInteger fields (computed once per schema). */
function markedIn(schema: Schema): Marked[] {
  let found = markedCache.get(schema);
  if (found) return found;
  found = [];
  const walk = (s: Schema, path: Marked['path']) => {
    if (s[EXACT_INTEGER]) found!.push({ path, schema: s });
    for (const [key, child] of Object.entries(s.properties ?? {})) walk(child, [...path, key]);
    if (s.items && !Array.isArray(s.items)) walk(s.items, [...path, EACH]);
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(branch, path);
  };
  walk(schema, []);
  markedCache.set(schema, found);
  return found;
}

/** The concrete paths in `value` where `marked` holds a number. */
function numbersAt(value: unknown, marked: Marked['path'], at: (string | number)[] = []): (string | number)[][] {
  if (marked.length === 0) return typeof value === 'number' ? [at] : [];
  const [head, ...rest] = marked;
  if (head === EACH) return Array.isArray(value) ? value.flatMap((v, i) => numbersAt(v, rest, [...at, i])) : [];
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, head!)) return [];
  return numbersAt((value as Record<string, unknown>)[head!], rest, [...at, head!]);
}

function textAt(request: FastifyRequest, at: (string | number)[]): string {
  const text = request.numberTexts?.get(jsonPointer(at));
  assert(text !== undefined, 'every number in a JSON body has its text noted by the body parser');
  return text;
}

/** Run after schema validation, before the handler (and so before any Idempotency-Key is claimed). */
export function registerNumberTexts(app: FastifyInstance): void {
  app.decorateRequest('numberTexts', null);
  app.addHook('preHandler', async (request) => {
    const schema = request.routeOptions.schema?.body as Schema | undefined;
    if (!schema || request.body === undefined) return;
    for (const { path, schema: field } of markedIn(schema)) {
      for (const at of numbersAt(request.body, path)) {
        const text = textAt(request, at);
        const min = BigInt(field.minimum ?? 0);
        const max = BigInt(field.maximum ?? Number.MAX_SAFE_INTEGER);
        // The length test first: a megabyte of digits must not become a BigInt.
        if (!PLAIN_INTEGER.test(text) || text.length > String(max).length || BigInt(text) < min || BigInt(text) > max) {
          const param = at.join('.');
          const rule = `an integer from ${min} to ${max} written with digits only (no fraction, exponent or sign)`;
          throw new DomainError('parameter_invalid', `\`${param}\` must be ${rule}; got ${text.slice(0, 40)}.`, param);
        }
      }
    }
  });
}

/** A top-level ExactInteger field as a bigint built from its text (the preHandler has checked it). */
export function amountFrom(request: FastifyRequest, field: string): bigint {
  const text = textAt(request, [field]);
  assert(PLAIN_INTEGER.test(text), `\`${field}\` must be declared with ExactInteger, so that its text is checked`);
  return BigInt(text);
}

/** As amountFrom, for an optional field: null when it is absent. */
export function optionalAmountFrom(request: FastifyRequest, field: string): bigint | null {
  return (request.body as Record<string, unknown> | undefined)?.[field] === undefined ? null : amountFrom(request, field);
}

/**
 * A facade's decimal field as text: a JSON string as sent, or a JSON number's
 * own text (5000.00 stays "5000.00"; 2.999999999999999999 is not 3). Anything
 * else is null: the facade refuses it.
 */
export function decimalText(request: FastifyRequest, field: string): string | null {
  const value = (request.body as Record<string, unknown> | undefined)?.[field];
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? textAt(request, [field]) : null;
}
