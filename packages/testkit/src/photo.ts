import { deflateSync } from 'node:zlib';

/** A CRC-32 as PNG chunks need it. */
function crc32(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A 295×413 ID-photo placeholder (the notice's size): a plain background with a head and
 * shoulders silhouette, so the confirmation screen shows what a real photo occupies.
 */
export function silhouettePhotoPng(): string {
  const w = 295;
  const h = 413;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const head = (x - w / 2) ** 2 / 62 ** 2 + (y - 160) ** 2 / 78 ** 2 <= 1;
      const body = y > 250 && (x - w / 2) ** 2 / 135 ** 2 + (y - 420) ** 2 / 150 ** 2 <= 1;
      const [r, g, b] = head || body ? [96, 110, 128] : [205, 225, 245];
      const at = y * (w * 3 + 1) + 1 + x * 3;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]).toString('base64');
}
