import { CryptoError } from './errors.js';

/**
 * One byte-exact JSON text per value, so that hashes and signatures over it are stable:
 * object keys sorted (by UTF-16 code units, as RFC 8785 does), no whitespace, arrays in
 * order. Numbers and strings are written as JSON.stringify writes them.
 *
 * It refuses what JSON.stringify would silently change (NaN, Infinity, undefined in an
 * array, functions, symbols, bigints, Maps and other class instances, cycles), because a
 * signed value that does not survive a round trip cannot be verified later. Object
 * properties whose value is undefined are omitted, as JSON.stringify does; objects with a
 * toJSON method (Date) are written through it, also as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, open: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) refuse(path, `the number ${value} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      return writeObject(value, path, open);
    default:
      return refuse(path, `a ${typeof value} has no JSON form`);
  }
}

function writeObject(value: object, path: string, open: Set<object>): string {
  if (hasToJson(value)) return write(value.toJSON(), path, open);
  if (open.has(value)) refuse(path, 'the value refers to itself');
  open.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item, i) => {
        if (item === undefined) refuse(`${path}[${i}]`, 'undefined is not allowed in an array');
        return write(item, `${path}[${i}]`, open);
      });
      return `[${items.join(',')}]`;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      refuse(path, `a ${value.constructor?.name ?? 'class'} instance is not plain JSON data`);
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(member, `${path}.${key}`, open)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    open.delete(value);
  }
}

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function refuse(path: string, why: string): never {
  throw new CryptoError('NOT_CANONICAL', `The value cannot be written as canonical JSON at ${path}: ${why}.`);
}
