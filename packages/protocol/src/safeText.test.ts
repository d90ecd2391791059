import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { candidateContract, proctorContract } from './contract.js';
import { handshakeSchema } from './events.js';
import { authorizationSchema, examDataSchema } from './packages.js';
import { answerValueSchema } from './paper.js';
import { safeMultilineText, safeText } from './safeText.js';

/** What issue 16 names: a NUL, a right-to-left override, and the other controls that spoof or cut text. */
const HOSTILE = Object.freeze({
  nul: '\u0000',
  bell: '\u0007',
  escape: '\u001b',
  c1: '\u009b',
  rlo: '\u202e',
  lri: '\u2066',
  pdi: '\u2069',
  rlm: '\u200f',
  alm: '\u061c',
});

interface Leaf {
  path: string;
  schema: z.ZodType;
}

/**
 * Every string a message can carry, found by walking the schema. Answer values are left out
 * on purpose: they are the candidate's own text, never shown as anything but itself, and a
 * refused save would keep a candidate's answer from ever being stored.
 */
function stringLeaves(schema: z.ZodType, path: string, out: Leaf[] = []): Leaf[] {
  if (schema === (answerValueSchema as z.ZodType)) return out;
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's own definition objects
  const def = (schema as any)._zod.def;
  switch (def.type) {
    case 'string':
      out.push({ path, schema });
      break;
    case 'object':
      for (const [k, v] of Object.entries(def.shape)) stringLeaves(v as z.ZodType, `${path}.${k}`, out);
      break;
    case 'array':
      stringLeaves(def.element, `${path}[]`, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      stringLeaves(def.innerType, path, out);
      break;
    case 'union':
      for (const o of def.options) stringLeaves(o, path, out);
      break;
    case 'pipe':
      stringLeaves(def.in, path, out);
      break;
    case 'record':
      stringLeaves(def.keyType, `${path}{key}`, out);
      stringLeaves(def.valueType, `${path}{}`, out);
      break;
  }
  return out;
}

const INBOUND: [string, z.ZodType][] = [
  ...Object.entries(candidateContract.requests).map(([e, c]): [string, z.ZodType] => [e, c.request]),
  ...Object.entries(proctorContract.requests).map(([e, c]): [string, z.ZodType] => [e, c.request]),
  ['handshake', handshakeSchema],
  ['exam data', examDataSchema],
  ['authorization', authorizationSchema],
];

/** A value the field accepts, so that a refusal below is for the character and nothing else. */
function acceptedSample(schema: z.ZodType): string | null {
  for (const n of [8, 1, 16, 43, 64, 100]) {
    for (const ch of ['a', '1']) {
      const s = ch.repeat(n);
      if (schema.safeParse(s).success) return s;
    }
  }
  return null;
}

describe('safe text in every inbound message', () => {
  const leaves = INBOUND.flatMap(([name, schema]) => stringLeaves(schema, name));

  it('finds the free-text fields (the walk reaches nested and optional fields)', () => {
    const paths = new Set(leaves.map((l) => l.path));
    for (const p of [
      'client:alert.detail',
      'machine:check.clientVersion',
      'notice:send.text',
      'candidate:reset.reason',
      'violation:record.candidateStatement',
      'exam data.candidates[].name',
      'exam data.rooms[].name',
      'proctor:signIn.certPem',
    ]) {
      expect(paths, p).toContain(p);
    }
  });

  it.each(Object.entries(HOSTILE))('refuses %s in every string field of every inbound message', (_, ch) => {
    const accepted: string[] = [];
    for (const leaf of leaves) {
      const sample = acceptedSample(leaf.schema);
      // Fields with a fixed format (digits, base64, hex, dates) accept none of these anyway.
      const attack = sample === null ? `1${ch}1` : `${sample.slice(0, -1)}${ch}`;
      if (leaf.schema.safeParse(attack).success) accepted.push(leaf.path);
    }
    expect(accepted).toEqual([]);
  });

  it('keeps ordinary Chinese text, punctuation and emoji', () => {
    const text = '考生 张三（第2考场）已到，请注意：“屏幕”—— OK! 😀';
    expect(safeText(100).parse(text)).toBe(text);
    expect(safeMultilineText(100).parse(`${text}\n第二行\t完`)).toContain('\n');
    expect(safeText(100).safeParse('a\nb').success).toBe(false);
  });
});
