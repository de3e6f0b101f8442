// The UI's texts: locales/*.json (only the keys the UI needs, bundled at build time), looked up in
// the user's language, then English. A missing text never shows its raw key: the caller's
// fallback (e.g. a title the API sent) is used, else an empty string.
import bundled from "virtual:domoguard-locales";

export type Catalogues = Record<string, Record<string, string>>;
export type Params = Record<string, string | number>;
export type Localize = (key: string, params?: Params, fallback?: string) => string;

export const SUPPORTED = ["en", "de", "fr", "es", "nl"] as const;

/** The supported language closest to a BCP 47 tag ("de-CH" → "de", "pt" → "en"). */
export function pickLanguage(tag: string | undefined | null, available: readonly string[] = SUPPORTED): string {
  if (!tag) return "en";
  const t = tag.trim().toLowerCase().replace("_", "-");
  if (available.includes(t)) return t;
  const base = t.split("-")[0];
  return available.includes(base) ? base : "en";
}

/** Replaces {name} placeholders; unknown placeholders stay as written. */
export function format(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function makeLocalize(lang: string, catalogues: Catalogues = bundled): Localize {
  const chosen = catalogues[pickLanguage(lang, Object.keys(catalogues))] ?? {};
  const english = catalogues.en ?? {};
  return (key, params, fallback) => {
    const text = chosen[key] ?? english[key];
    if (text !== undefined) return format(text, params);
    if (fallback !== undefined) return fallback;
    if (import.meta.env?.DEV) console.warn(`domoguard: no text for ${key}`);
    return "";
  };
}

/** The language a panel or card should speak: Home Assistant's choice first, then the browser's. */
export function languageOf(hass: { locale?: { language?: string }; language?: string } | undefined, fallback?: string): string {
  return pickLanguage(hass?.locale?.language ?? hass?.language ?? fallback ?? globalThis.navigator?.language);
}
