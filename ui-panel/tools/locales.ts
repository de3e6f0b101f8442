// Which message keys the panel and card bundle, and how they are read from locales/*.json.
// Used by vite.config.ts (the virtual module the bundle imports) and by the unit tests.
import fs from "node:fs";
import path from "node:path";

export const LANGUAGES = ["en", "de", "fr", "es", "nl"] as const;

// panel.* and card.* are the UI's own texts; the rest are shared with the core and the CLI.
const KEEP: RegExp[] = [
  /^panel\./,
  /^card\./,
  /^severity\.[a-z]+$/,
  /^device_type\.[a-z_]+$/,
  /^(level|scenario|category)\.[a-z_]+\.(title|description)$/,
];

export function keepKey(key: string): boolean {
  return KEEP.some((re) => re.test(key));
}

export type Catalogue = Record<string, string>;

/** Reads locales/<lang>.json for every language, keeping only the keys the UI needs. */
export function readCatalogues(localesDir: string): Record<string, Catalogue> {
  const out: Record<string, Catalogue> = {};
  for (const lang of LANGUAGES) {
    const file = path.join(localesDir, `${lang}.json`);
    if (!fs.existsSync(file)) {
      if (lang === "en") throw new Error(`${file} is missing: English is the canonical catalogue`);
      continue;
    }
    const all = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const kept: Catalogue = {};
    for (const [k, v] of Object.entries(all)) if (typeof v === "string" && keepKey(k)) kept[k] = v;
    out[lang] = kept;
  }
  return out;
}
