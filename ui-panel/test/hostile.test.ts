// Names and texts from the hub are untrusted: the panel and the card render them as text only.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import "../src/main";

const HOSTILE = `<img src=x onerror="window.__dgPwned=1">`;
const SCRIPT = `</strong><script>window.__dgPwned=2</script>`;

/** The API's answers for a home whose hub-supplied names are hostile (an API stand-in, not Home Assistant). */
function answers(type: string): unknown {
  const finding = {
    rule: "DG-VOI-001",
    clauses: ["7.1.2"],
    severity: "critical",
    title: `${HOSTILE} can be opened by voice`,
    why: SCRIPT,
    subject: { kind: "device", id: "d1", name: HOSTILE },
    remediation: { kind: "action", message: SCRIPT, actions: [] },
    device_id: "d1",
    area_id: "a1",
  };
  const ack = { needs_ack: true };
  switch (type) {
    case "domoguard/audit":
      return {
        hub: { id: "", name: HOSTILE, version: "1" },
        score: 40,
        summary: { critical: 1 },
        rules_run: 1,
        areas: [{ id: "a1", name: SCRIPT, kind: "normal" }],
        devices: [{ id: "d1", name: HOSTILE, type: "lock", tier: "critical", score: 10 }],
        findings: [finding],
        not_run: [{ rule: "DG-ACC-001", reason: HOSTILE }],
        audited_at: "2026-11-25T10:00:00Z",
        since_last: { previous_score: 30, new: ["DG-VOI-001|device:d1"], resolved: [] },
      };
    case "domoguard/notice":
      return {
        title: HOSTILE,
        version: "v",
        devices: [{ device_id: "d1", name: HOSTILE, version: "v", senses: ["video"], data_path: "cloud" }],
        destinations: [{ kind: "vendor_cloud", domain: "x", vendor: HOSTILE, service: SCRIPT, privacy_policy: "javascript:alert(1)", source: "" }],
        lines: [{ key: "notice.home.devices", text: HOSTILE }],
        acknowledgement: ack,
      };
    case "domoguard/status":
      return { ready: true, version: "0", score: 40 };
    case "domoguard/catalog":
      return { standard: "x", clauses: [{ id: "7.1.2", group: "7.1", title: HOSTILE, summary: "", coverage: "automated" }] };
    case "domoguard/journal":
      return [];
    case "domoguard/history":
      return [];
    default:
      return Promise.reject({ code: "unknown_command", message: "no" });
  }
}

const hass = {
  language: "en",
  user: { name: HOSTILE },
  callWS: async (msg: { type: string }) => answers(msg.type),
};

async function settle(el: HTMLElement & { updateComplete?: Promise<unknown> }) {
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await el.updateComplete;
  }
}

function assertInert(root: ShadowRoot) {
  expect(root.querySelectorAll("img, script, iframe, object, embed, svg image").length).toBe(0);
  for (const el of root.querySelectorAll("*"))
    for (const a of el.getAttributeNames()) expect(a.startsWith("on"), `${el.tagName} has ${a}`).toBe(false);
  for (const a of root.querySelectorAll("a")) expect(a.getAttribute("href") ?? "").not.toMatch(/^javascript:/i);
  expect((window as unknown as { __dgPwned?: number }).__dgPwned).toBeUndefined();
}

describe("hostile names", () => {
  it("show as text in the panel's overview", async () => {
    const el = document.createElement("domoguard-panel") as HTMLElement & { hass: unknown; updateComplete: Promise<unknown> };
    el.hass = hass;
    document.body.append(el);
    await settle(el);
    const root = el.shadowRoot!;
    const text = root.textContent ?? "";
    expect(text).toContain(HOSTILE);
    expect(text).toContain("<script>window.__dgPwned=2</script>");
    assertInert(root);
    el.remove();
  });

  it("show as text in the notices view and the card", async () => {
    const el = document.createElement("domoguard-panel") as HTMLElement & { hass: unknown; tab: string; updateComplete: Promise<unknown> };
    el.hass = hass;
    document.body.append(el);
    await settle(el);
    el.tab = "notices";
    await settle(el);
    const root = el.shadowRoot!;
    expect(root.textContent).toContain(HOSTILE);
    assertInert(root);
    el.remove();

    const card = document.createElement("domoguard-notice-card") as HTMLElement & { hass: unknown; setConfig(c: unknown): void; updateComplete: Promise<unknown> };
    card.setConfig({ type: "custom:domoguard-notice-card" });
    card.hass = hass;
    document.body.append(card);
    await settle(card);
    expect(card.shadowRoot!.textContent).toContain(HOSTILE);
    assertInert(card.shadowRoot!);
    card.remove();
  });

  it("never meet an HTML sink in the source", () => {
    const dir = path.resolve(__dirname, "../src");
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = fs.readFileSync(path.join(dir, f), "utf8");
      expect(src, f).not.toMatch(/unsafeHTML|unsafeSVG|innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment|\beval\(|new Function/);
    }
  });
});
