// Converting CEL results back to plain JSON-friendly values, and rendering them into templates.
//
//   CEL int (BigInt), uint   → number when |n| ≤ 2^53−1, else an EXPR_RESULT error (a silently
//                              rounded id is worse than an error; string(x) gives exact digits)
//   double                   → number; NaN/±Infinity are an error (JSON cannot carry them)
//   timestamp (Date)         → ISO-8601 string        duration → CEL form, e.g. "3600s", "1.5s"
//   list / map               → arrays / plain objects (keys via defineProperty, so a "__proto__"
//                              key stays data and never touches a prototype)
//   bytes, type values, anything else → an EXPR_RESULT error explaining what to do

import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class ResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultError';
  }
}

const MAX_RESULT_DEPTH = 200;

export function toJsonValue(value: unknown, depth = 0): JsonValue {
  if (depth > MAX_RESULT_DEPTH) throw new ResultError(`The result is nested more than ${MAX_RESULT_DEPTH} levels deep.`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new ResultError(`The result is ${String(value)}, which is not a JSON number (division by zero?).`);
      return value === 0 ? 0 : value; // no -0
    case 'bigint':
      return bigintToNumber(value);
    case 'undefined':
      return null;
    case 'object':
      break;
    default:
      throw new ResultError(`The result has unsupported type ${typeof value}.`);
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1));
  if (value instanceof UnsignedInt) return bigintToNumber(value.valueOf());
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ResultError('The result is an invalid timestamp.');
    return value.toISOString();
  }
  if (value instanceof Duration) return formatDuration(value);
  if (value instanceof Uint8Array) throw new ResultError('The result is bytes, which JSON cannot hold; convert with .base64(), .hex() or string(...).');
  if (value instanceof Set) return [...value].map((v) => toJsonValue(v, depth + 1));
  const out: Record<string, JsonValue> = {};
  const define = (key: string, v: unknown): void => {
    Object.defineProperty(out, key, { value: toJsonValue(v, depth + 1), enumerable: true, writable: true, configurable: true });
  };
  if (value instanceof Map) {
    for (const [k, v] of value) define(String(k), v);
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new ResultError('The result is a type or other internal value that has no JSON form.');
  }
  for (const key of Object.keys(value)) define(key, (value as Record<string, unknown>)[key]);
  return out;
}

function bigintToNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ResultError(`The integer ${n} is too large to be represented exactly as a JSON number; use string(...) to keep every digit.`);
  }
  return Number(n);
}

function formatDuration(d: Duration): string {
  const seconds = BigInt(d.seconds);
  const nanos = d.nanos;
  if (nanos === 0) return `${seconds}s`;
  const negative = seconds < 0n || nanos < 0;
  const abs = (seconds < 0n ? -seconds : seconds).toString();
  const frac = String(Math.abs(nanos)).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs}.${frac}s`;
}

/**
 * How a value appears inside a larger string: strings as-is, null as the empty string (as in
 * GitHub Actions — "null" leaking into a shell command is a classic bug), other scalars in
 * their plain form, arrays and objects as compact JSON.
 */
export function stringifyForTemplate(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
