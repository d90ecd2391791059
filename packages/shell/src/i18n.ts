/**
 * The one i18n mechanism of both apps' renderers: each app has one message file per
 * locale (zh-CN first, English second), all with the same keys, and this turns them into
 * typed translate functions. Browser-safe.
 */

/** `{name}` figures a message quotes. */
export type MessageParams = Readonly<Record<string, string | number | null | undefined>>;

export type Translate<K extends string> = (key: K, params?: MessageParams) => string;

export interface Translator<L extends string, K extends string> {
  readonly locales: readonly L[];
  /** The translate function of one locale. */
  in(locale: L): Translate<K>;
  /** The locale switch: the next locale after this one (with two, the other one). */
  next(locale: L): L;
  /** True for a key the messages have (for keys built at run time, e.g. from an error code). */
  has(key: string): key is K;
}

/**
 * A translator over the app's messages, one table per locale with the same keys (the type
 * makes a missing key in any locale a compile error). `{name}` is replaced by the param of
 * that name; a param not given (or null) is shown as `missing(name)`, by default the
 * placeholder itself.
 */
export function translator<L extends string, K extends string>(
  messages: Readonly<Record<L, Readonly<Record<K, string>>>>,
  opts: { missing?: (name: string) => string } = {},
): Translator<L, K> {
  const locales = Object.keys(messages) as L[];
  const keys = new Set(Object.keys(messages[locales[0]!]));
  const missing = opts.missing ?? ((name: string) => `{${name}}`);
  return {
    locales,
    in(locale) {
      const table = messages[locale];
      return (key, params) =>
        (table[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => {
          const v = params?.[name];
          return v === null || v === undefined ? missing(name) : String(v);
        });
    },
    next(locale) {
      return locales[(locales.indexOf(locale) + 1) % locales.length]!;
    },
    has(key): key is K {
      return keys.has(key);
    },
  };
}
