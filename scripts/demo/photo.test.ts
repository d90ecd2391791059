import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodeIndexedPng, PHOTO_HEIGHT, PHOTO_WIDTH, placeholderPhoto } from './photo.js';

interface Chunk {
  type: string;
  data: Buffer;
  crc: number;
  crcOk: boolean;
}

/** A minimal PNG reader, independent of the encoder (CRC via node:zlib). */
function readChunks(png: Buffer): Chunk[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crc = png.readUInt32BE(at + 8 + length);
    chunks.push({ type, data, crc, crcOk: zlibCrc32(png.subarray(at + 4, at + 8 + length)) === crc });
    at += 12 + length;
  }
  expect(at).toBe(png.length);
  return chunks;
}

function decode(png: Buffer) {
  const chunks = readChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR')?.data;
  const plte = chunks.find((c) => c.type === 'PLTE')?.data;
  if (!ihdr || !plte) throw new Error('missing IHDR or PLTE');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const palette = Array.from({ length: plte.length / 3 }, (_, i) => [...plte.subarray(i * 3, i * 3 + 3)]);
  const pixel = (x: number, y: number): number => raw[y * (width + 1) + 1 + x] ?? -1;
  return { chunks, ihdr, width, height, raw, palette, pixel };
}

describe('crc32', () => {
  it('matches the standard check value and node:zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const sample = Buffer.from('IEND考试');
    expect(crc32(sample)).toBe(zlibCrc32(sample));
  });
});

describe('placeholder photo', () => {
  const png = placeholderPhoto('210421010001');

  it('is a 295×413 8-bit indexed PNG', () => {
    const { width, height, ihdr } = decode(png);
    expect([width, height]).toEqual([295, 413]);
    expect([PHOTO_WIDTH, PHOTO_HEIGHT]).toEqual([295, 413]);
    expect([...ihdr.subarray(8)]).toEqual([8, 3, 0, 0, 0]);
  });

  it('has IHDR first, IEND last and a valid CRC on every chunk', () => {
    const { chunks } = decode(png);
    expect(chunks[0]?.type).toBe('IHDR');
    expect(chunks.at(-1)?.type).toBe('IEND');
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    for (const c of chunks) expect(c.crcOk, c.type).toBe(true);
  });

  it('detects a corrupted byte through the chunk CRC', () => {
    const bad = Buffer.from(png);
    bad[20] = (bad[20] ?? 0) ^ 0xff; // inside the IHDR data
    expect(readChunks(bad)[0]?.crcOk).toBe(false);
  });

  it('inflates to one filter byte plus one palette index per pixel on every row', () => {
    const { raw, palette, width, height } = decode(png);
    expect(raw.length).toBe((width + 1) * height);
    let badFilters = 0;
    let badIndices = 0;
    for (let y = 0; y < height; y++) {
      const row = raw.subarray(y * (width + 1), (y + 1) * (width + 1));
      if (row[0] !== 0) badFilters++;
      for (const index of row.subarray(1)) if (index >= palette.length) badIndices++;
    }
    expect({ badFilters, badIndices }).toEqual({ badFilters: 0, badIndices: 0 });
  });

  it('shows a silhouette on a light background', () => {
    const { pixel, palette, width } = decode(png);
    const corner = palette[pixel(0, 0)] ?? [];
    for (const component of corner) expect(component).toBeGreaterThanOrEqual(200);
    expect(pixel(Math.floor(width / 2), 170)).not.toBe(pixel(0, 0)); // the head
    expect(pixel(10, 412)).not.toBe(pixel(0, 0)); // a shoulder at the bottom edge
  });

  it('is small', () => {
    expect(png.length).toBeLessThan(10 * 1024);
  });

  it('is deterministic per seed, and colours vary between seeds', () => {
    expect(placeholderPhoto('210421010001').equals(png)).toBe(true);
    expect(decode(placeholderPhoto('210421010002')).palette).not.toEqual(decode(png).palette);
  });
});

describe('encodeIndexedPng', () => {
  it('refuses a pixel count that does not match the size', () => {
    expect(() => encodeIndexedPng(2, 2, [[0, 0, 0]], new Uint8Array(3))).toThrow(RangeError);
  });
});
