import { existsSync } from 'node:fs';

/**
 * A font with Chinese glyphs for printed reports. PDF's standard fonts have none, so a
 * report without one would print empty boxes; refuse with a clear message instead.
 */
export interface CjkFont {
  path: string;
  /** The face inside a font collection (.ttc). */
  family: string;
}

const CANDIDATES: readonly CjkFont[] = Object.freeze([
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', family: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: 'C:\\Windows\\Fonts\\simsun.ttc', family: 'SimSun' },
]);

export class MissingCjkFontError extends Error {
  constructor() {
    super(
      'No Chinese font was found for printing reports. Install one (Debian: apt-get install fonts-noto-cjk) ' +
        'or set EXAM_CJK_FONT to a .ttf/.otf file.',
    );
    this.name = 'MissingCjkFontError';
  }
}

export function findCjkFont(env: NodeJS.ProcessEnv = process.env, candidates = CANDIDATES): CjkFont {
  const override = env.EXAM_CJK_FONT;
  if (override && existsSync(override)) return { path: override, family: env.EXAM_CJK_FONT_FAMILY ?? '' };
  const found = candidates.find((f) => existsSync(f.path));
  if (!found) throw new MissingCjkFontError();
  return found;
}
