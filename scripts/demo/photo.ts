/**
 * Placeholder ID photos for the demo roster: a head-and-shoulders silhouette on a light
 * background, 295×413 px (the registration photo size), colours derived from a seed.
 * A minimal indexed-colour PNG encoder keeps this free of image dependencies.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

export const PHOTO_WIDTH = 295;
export const PHOTO_HEIGHT = 413;

export type Rgb = readonly [number, number, number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309 / ITU-T V.42), as PNG chunks require. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  // The CRC covers the chunk type and data, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes an 8-bit indexed-colour PNG: one palette index per pixel, rows top to bottom. */
export function encodeIndexedPng(
  width: number,
  height: number,
  palette: readonly Rgb[],
  pixels: Uint8Array,
): Buffer {
  if (palette.length < 1 || palette.length > 256) throw new RangeError('palette must hold 1..256 colours');
  if (pixels.length !== width * height) throw new RangeError('pixel count does not match width × height');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: indexed
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const plte = Buffer.from(palette.flat());
  // Each scanline starts with filter type 0 (None); flat colour areas deflate well as is.
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const BACKGROUND = 0;
const SILHOUETTE = 1;
const CLOTHING = 2;

/** A value in [lo, lo + span) from one byte of the seed's digest. */
function shade(byte: number | undefined, lo: number, span: number): number {
  return lo + ((byte ?? 0) % span);
}

/**
 * A deterministic placeholder photo for `seed` (e.g. a ticket number): a light background,
 * a dark head-and-neck silhouette and shoulders in a clothing colour. About 1 KB.
 */
export function placeholderPhoto(seed: string): Buffer {
  const d = createHash('sha256').update(seed).digest();
  const palette: Rgb[] = [
    [shade(d[0], 200, 56), shade(d[1], 200, 56), shade(d[2], 200, 56)],
    [shade(d[3], 50, 70), shade(d[4], 50, 70), shade(d[5], 50, 70)],
    [shade(d[6], 30, 120), shade(d[7], 30, 120), shade(d[8], 30, 120)],
  ];
  const w = PHOTO_WIDTH;
  const h = PHOTO_HEIGHT;
  const cx = w / 2;
  // Small seed-dependent variations in head size and position.
  const headRx = 60 + ((d[9] ?? 0) % 12);
  const headRy = 78 + ((d[10] ?? 0) % 12);
  const headCy = 160 + ((d[11] ?? 0) % 16);
  const neckHalf = Math.round(headRx * 0.45);
  const shoulderTop = headCy + headRy + 28;
  const shoulderRx = 150;
  const shoulderRy = 190;
  const shoulderCy = shoulderTop + shoulderRy;

  const pixels = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5 - cx;
      const py = y + 0.5;
      const inHead = (px / headRx) ** 2 + ((py - headCy) / headRy) ** 2 <= 1;
      const inNeck = Math.abs(px) <= neckHalf && py >= headCy && py <= shoulderTop + 10;
      const inShoulders = (px / shoulderRx) ** 2 + ((py - shoulderCy) / shoulderRy) ** 2 <= 1;
      // A V-shaped opening below the neck, so the collar reads as clothing.
      const inCollar = py >= shoulderTop && Math.abs(px) <= neckHalf - (py - shoulderTop) * 0.6;
      let colour = BACKGROUND;
      if (inHead || inNeck) colour = SILHOUETTE;
      if (inShoulders) colour = CLOTHING;
      if (inCollar) colour = SILHOUETTE;
      pixels[y * w + x] = colour;
    }
  }
  return encodeIndexedPng(w, h, palette, pixels);
}
