import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { format, languageOf, makeLocalize, pickLanguage } from "../src/i18n";
import { keepKey, LANGUAGES, readCatalogues } from "../tools/locales";

const localesDir = path.resolve(__dirname, "../../locales");
const catalogues = readCatalogues(localesDir);

describe("language choice", () => {
  it("picks the closest supported language", () => {
    expect(pickLanguage("de")).toBe("de");
    expect(pickLanguage("de-CH")).toBe("de");
    expect(pickLanguage("nl_BE")).toBe("nl");
    expect(pickLanguage("FR")).toBe("fr");
    expect(pickLanguage("pt-BR")).toBe("en");
    expect(pickLanguage("")).toBe("en");
    expect(pickLanguage(undefined)).toBe("en");
  });
  it("prefers Home Assistant's locale, then its language, then the fallback", () => {
    expect(languageOf({ locale: { language: "es" }, language: "de" })).toBe("es");
    expect(languageOf({ language: "de" })).toBe("de");
    expect(languageOf(undefined, "nl")).toBe("nl");
  });
});

describe("localize", () => {
  const cats = { en: { "panel.a": "Hello {name}", "panel.b": "Only English" }, de: { "panel.a": "Hallo {name}" } };
  it("uses the user's language", () => {
    expect(makeLocalize("de", cats)("panel.a", { name: "Alex" })).toBe("Hallo Alex");
  });
  it("falls back to English, never to the raw key", () => {
    const t = makeLocalize("de", cats);
    expect(t("panel.b")).toBe("Only English");
    expect(t("panel.missing")).toBe("");
    expect(t("panel.missing")).not.toContain("panel.");
    expect(t("panel.missing", undefined, "From the API")).toBe("From the API");
    expect(makeLocalize("xx", cats)("panel.a", { name: "Sam" })).toBe("Hello Sam");
  });
  it("formats placeholders and leaves unknown ones as written", () => {
    expect(format("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(format("{a}{a}", { a: "<x>" })).toBe("<x><x>");
  });
});

describe("the bundled catalogues", () => {
  it("keep only what the UI needs", () => {
    expect(keepKey("panel.tab.overview")).toBe(true);
    expect(keepKey("card.title")).toBe(true);
    expect(keepKey("level.strict.title")).toBe(true);
    expect(keepKey("category.hub.title")).toBe(true);
    expect(keepKey("severity.high")).toBe(true);
    expect(keepKey("rule.DG-VOI-001.title")).toBe(false);
    expect(keepKey("cli.help.audit")).toBe(false);
    const total = Object.keys(JSON.parse(fs.readFileSync(path.join(localesDir, "en.json"), "utf8"))).length;
    expect(Object.keys(catalogues.en).length).toBeLessThan(total / 2);
  });

  // Every panel.* / card.* key the source names (literally or as a `prefix.${…}` family) exists in
  // English and in every other language, with the same placeholders.
  const src = fs
    .readdirSync(path.resolve(__dirname, "../src"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => fs.readFileSync(path.resolve(__dirname, "../src", f), "utf8"))
    .join("\n");
  const literal = [...new Set([...src.matchAll(/"((?:panel|card)\.[a-z_]+(?:\.[a-z_]+)+)"/g)].map((m) => m[1]))];
  const families = [...new Set([...src.matchAll(/`((?:panel|card)\.[a-z_.]+)\.\$\{/g)].map((m) => m[1] + "."))];
  const placeholders = (s: string) => [...s.matchAll(/\{([a-z_]+)\}/gi)].map((m) => m[1]).sort();

  it("name keys that exist", () => {
    expect(literal.length).toBeGreaterThan(100);
    const missing = literal.filter((k) => !(k in catalogues.en));
    expect(missing).toEqual([]);
    for (const f of families) expect(Object.keys(catalogues.en).some((k) => k.startsWith(f)), f).toBe(true);
  });

  it.each(LANGUAGES.filter((l) => l !== "en"))("has every panel and card text in %s with the same placeholders", (lang) => {
    const cat = catalogues[lang];
    expect(cat, `locales/${lang}.json`).toBeDefined();
    const ours = Object.keys(catalogues.en).filter((k) => k.startsWith("panel.") || k.startsWith("card."));
    const missing = ours.filter((k) => !(k in cat));
    expect(missing).toEqual([]);
    for (const k of ours) expect(placeholders(cat[k]), `${lang} ${k}`).toEqual(placeholders(catalogues.en[k]));
    const untranslated = ours.filter((k) => cat[k] === catalogues.en[k] && !/^(\{[a-z_]+\}\s*)+$|^DomoGuard$|^Score$|^Scenario$|^Modes$|^Protection$|^score \{score\}$|^Video$|^video$/i.test(cat[k]));
    expect(untranslated.length, untranslated.join(", ")).toBeLessThan(6);
  });

  it("makes the German panel speak German", () => {
    const t = makeLocalize("de", catalogues);
    expect(t("panel.tab.overview")).toBe(catalogues.de["panel.tab.overview"]);
    expect(t("panel.tab.overview")).not.toBe(catalogues.en["panel.tab.overview"]);
  });
});
