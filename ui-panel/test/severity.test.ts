// Why a finding has its severity: the catalogue's reviewed reason, shown in the finding and in its
// group, label and reason both in the household's language.
import { describe, expect, it } from "vitest";
import "../src/main";

const finding = (id: string) => ({
  rule: "DG-CHI-001",
  clauses: ["7.1.6"],
  severity: "medium",
  title: `The child lock of Plug ${id} is off`,
  why: "A child can start it.",
  subject: { kind: "device", id, name: `Plug ${id}` },
  remediation: { kind: "guidance", message: "Turn it on." },
  device_id: id,
});
const other = {
  rule: "DG-INV-001",
  clauses: ["7.2.3"],
  severity: "low",
  title: "Lamp cannot be identified",
  why: "Unknown maker.",
  subject: { kind: "device", id: "l1", name: "Lamp" },
  remediation: { kind: "guidance", message: "Note the maker." },
  device_id: "l1",
};
// The catalogue answers in the language it is asked for, as the core does.
const REASONS: Record<string, string> = {
  en: "A child can start or open an appliance that can hurt them.",
  de: "Ein Kind kann ein Gerät starten oder öffnen, an dem es sich verletzen kann.",
  fr: "Un enfant peut mettre en marche ou ouvrir un appareil qui peut le blesser.",
};
const catalogAsked: string[] = [];

function answers(type: string, lang: string): unknown {
  switch (type) {
    case "domoguard/audit":
      return {
        hub: { id: "", name: "Home", version: "1" },
        score: 70,
        summary: { medium: 2, low: 1 },
        rules_run: 3,
        areas: [],
        devices: [],
        findings: [finding("p1"), finding("p2"), other],
        not_run: [],
        audited_at: "2026-11-25T10:00:00Z",
        groups: [
          { id: "DG-CHI-001|device:*", rule: "DG-CHI-001", subject_kind: "device", severity: "medium", count: 2, title: "The child locks of 2 devices are off",
            fix: { kind: "guidance", message: "Turn them on.", fixable: 0 }, score_after: 70, keys: ["DG-CHI-001|device:p1", "DG-CHI-001|device:p2"] },
          { id: "DG-INV-001|device:l1", rule: "DG-INV-001", subject_kind: "device", severity: "low", count: 1, title: "Lamp cannot be identified",
            fix: { kind: "guidance", message: "Note the maker.", fixable: 0 }, score_after: 70, keys: ["DG-INV-001|device:l1"] },
        ],
        first_steps: [],
        first_screen: { listed: ["DG-CHI-001|device:*", "DG-INV-001|device:l1"], items: 2, hidden_groups: 0, hidden_findings: 0 },
      };
    case "domoguard/catalog":
      catalogAsked.push(lang);
      // DG-INV-001 has no reason in this catalogue: nothing is shown for it.
      return { standard: "x", clauses: [], rules: [{ id: "DG-CHI-001", severity: "medium", severity_reason: REASONS[lang] ?? REASONS.en }] };
    case "domoguard/journal":
    case "domoguard/history":
      return [];
    default:
      return Promise.reject({ code: "unknown_command", message: "no" });
  }
}

const hassIn = (language: string) => ({
  language,
  locale: { language },
  user: { name: "Alex" },
  callWS: async (m: { type: string; lang: string }) => answers(m.type, m.lang),
});

async function settle(el: { updateComplete: Promise<unknown> }) {
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await el.updateComplete;
  }
}

async function mount(language: string) {
  const el = document.createElement("domoguard-panel") as HTMLElement & { hass: unknown; updateComplete: Promise<unknown> };
  el.hass = hassIn(language);
  document.body.append(el);
  await settle(el);
  return el;
}

describe("why a finding has its severity", () => {
  it("is shown in the group and in each finding, labelled in the household's language", async () => {
    const el = await mount("de");
    const root = el.shadowRoot!;
    const group = root.querySelector('li.group[data-rule="DG-CHI-001"]')!;
    expect(group).toBeTruthy();
    const shown = [...group.querySelectorAll("[data-testid=severity-reason]")];
    // once for the group, once per member finding; each finding listed by room and device has it too
    expect(shown.length).toBe(3);
    expect(root.querySelectorAll("details.by-area [data-testid=severity-reason]").length).toBe(2);
    for (const p of shown) {
      expect(p.textContent).toContain("Warum „MITTEL“:");
      expect(p.textContent).toContain(REASONS.de);
      expect(p.textContent).not.toContain(REASONS.en);
      // the reason is in the panel's language, so it needs no language mark of its own
      expect(p.querySelector("span")!.hasAttribute("lang")).toBe(false);
    }
    expect(root.querySelector('li.group[data-rule="DG-INV-001"] [data-testid=severity-reason]')).toBeNull();
    el.remove();
  });

  it("is in English when the panel speaks English", async () => {
    const el = await mount("en");
    const p = el.shadowRoot!.querySelector('li.group[data-rule="DG-CHI-001"] [data-testid=severity-reason]')!;
    expect(p.textContent).toContain("Why “MEDIUM”:");
    expect(p.textContent).toContain(REASONS.en);
    expect(p.querySelector("span")!.hasAttribute("lang")).toBe(false);
    el.remove();
  });

  it("follows the household when the language changes: the catalogue is asked again", async () => {
    catalogAsked.length = 0;
    const el = await mount("de");
    const reason = () => el.shadowRoot!.querySelector('li.group[data-rule="DG-CHI-001"] [data-testid=severity-reason]')!.textContent;
    expect(reason()).toContain(REASONS.de);
    el.hass = hassIn("fr");
    await settle(el);
    expect(reason()).toContain("Pourquoi « MOYENNE » :");
    expect(reason()).toContain(REASONS.fr);
    expect(reason()).not.toContain(REASONS.de);
    expect(catalogAsked).toEqual(["de", "fr"]);
    el.remove();
  });
});
