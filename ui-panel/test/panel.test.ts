// The panel follows Home Assistant's conventions for custom panels: hass/narrow/route/panel
// properties, navigation through history + "location-changed", and the sidebar toggle when narrow.
import { describe, expect, it } from "vitest";
import "../src/main";

type Panel = HTMLElement & { hass: unknown; narrow: boolean; route: unknown; panel: unknown; tab: string; updateComplete: Promise<unknown> };

const calls: { type: string; lang?: string }[] = [];
const hass = {
  language: "nl",
  locale: { language: "nl" },
  user: { name: "Alex" },
  callWS: async (msg: { type: string; lang?: string }) => {
    calls.push(msg);
    if (msg.type === "domoguard/audit")
      return { hub: { id: "", name: "Home", version: "1" }, score: 77, summary: {}, rules_run: 1, areas: [], devices: [], findings: [], not_run: [], audited_at: "" };
    if (msg.type === "domoguard/journal" || msg.type === "domoguard/history") return [];
    return Promise.reject({ code: "unknown_command", message: "no" });
  },
};

async function mount(props: Partial<Panel>): Promise<Panel> {
  const el = document.createElement("domoguard-panel") as Panel;
  Object.assign(el, props);
  document.body.append(el);
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 5));
    await el.updateComplete;
  }
  return el;
}

describe("the panel in Home Assistant", () => {
  it("talks through hass.callWS and asks for texts in the user's language", async () => {
    calls.length = 0;
    const el = await mount({ hass, narrow: false, route: { prefix: "/domoguard", path: "" }, panel: { url_path: "domoguard" } });
    expect(calls.map((c) => c.type)).toContain("domoguard/audit");
    expect(calls.every((c) => c.lang === "nl")).toBe(true);
    expect(el.shadowRoot!.querySelector("#tab-overview")!.textContent).toBe("Overzicht");
    expect(el.shadowRoot!.querySelector(".score-num")!.textContent).toBe("77");
    el.remove();
  });

  it("opens the tab its route names and navigates like Home Assistant", async () => {
    const el = await mount({ hass, narrow: false, route: { prefix: "/domoguard", path: "/history" } });
    expect(el.tab).toBe("history");
    let changed = 0;
    window.addEventListener("location-changed", () => changed++);
    (el.shadowRoot!.querySelector("#tab-notices") as HTMLButtonElement).click();
    expect(location.pathname).toBe("/domoguard/notices");
    expect(changed).toBe(1);
    el.remove();
  });

  it("offers the sidebar toggle when narrow", async () => {
    const el = await mount({ hass, narrow: true, route: { prefix: "/domoguard", path: "" } });
    let toggled = 0;
    document.body.addEventListener("hass-toggle-menu", () => toggled++);
    const menu = el.shadowRoot!.querySelector("button.menu") as HTMLButtonElement;
    expect(menu.getAttribute("aria-label")).toBeTruthy();
    menu.click();
    expect(toggled).toBe(1);
    el.narrow = false;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector("button.menu")).toBeNull();
    el.remove();
  });
});

describe("the panel when things go wrong", () => {
  const emptyAudit = { hub: { id: "", name: "Home", version: "1" }, score: 77, summary: {}, rules_run: 1, areas: [], devices: [], findings: [], not_run: [], audited_at: "" };

  it("says in the user's language that Home Assistant's connection is gone (not '3' or '[object Object]')", async () => {
    const down = { ...hass, language: "de", locale: { language: "de" }, callWS: async () => Promise.reject(3) };
    const el = await mount({ hass: down, narrow: false, route: { prefix: "/domoguard", path: "" } });
    const alert = el.shadowRoot!.querySelector('[role="alert"] .error')!.textContent!;
    expect(alert).toBe("DomoGuard ist nicht erreichbar.");
    el.remove();
  });

  it("does not bring back a dialog closed (Escape) while a change was applied, and reloads instead", async () => {
    let finish!: (v: unknown) => void;
    let audits = 0;
    const h = {
      ...hass,
      callWS: async (msg: { type: string }) => {
        if (msg.type === "domoguard/audit") return (audits++, emptyAudit);
        if (msg.type === "domoguard/journal" || msg.type === "domoguard/history") return [];
        if (msg.type === "domoguard/plan")
          return { id: "p", kind: "fix", selector: "", title: "Fix", actions: [{ kind: "k", target: "t", param: "", before: "a", after: "b", rule: "r", message: "m" }], guidance: [] };
        if (msg.type === "domoguard/apply") return new Promise((r) => (finish = r));
        return Promise.reject({ code: "unknown_command", message: "no" });
      },
    };
    const el = (await mount({ hass: h, narrow: false, route: { prefix: "/domoguard", path: "" } })) as Panel & { propose(r: unknown): void; dialog?: unknown };
    el.propose({ kind: "plan", selector: ["--fix", "r|device:d"] });
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 5)).then(() => el.updateComplete);
    (el.shadowRoot!.querySelector('[data-testid="plan-apply"]') as HTMLButtonElement).click();
    await el.updateComplete;
    const before = audits;
    el.shadowRoot!.querySelector<HTMLDialogElement>("#plan-dialog")!.close();
    el.shadowRoot!.querySelector<HTMLDialogElement>("#plan-dialog")!.dispatchEvent(new Event("close"));
    await el.updateComplete;
    finish({ journal_id: 1, ok: true, rolled_back: false, failed_step: -1, error: "", plan: { title: "Fix", actions: [] }, steps: [], score: 90 });
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 5)).then(() => el.updateComplete);
    expect(el.dialog).toBeUndefined();
    expect(audits).toBeGreaterThan(before);
    el.remove();
  });
});

describe("a change that cannot be undone", () => {
  it("is announced in the preview, and no undo is offered once applied", async () => {
    const revoke = { kind: "revoke_token", target: "u/2025-01-01T00:00:00Z", param: "", before: "present", after: "revoked", rule: "DG-TOK-001",
                     undoable: false, message: "Revoke the long-lived access token “Old script” (cannot be undone)" };
    const plan = { id: "p", kind: "fix", selector: "", title: "Fix", actions: [revoke], guidance: [],
                   irreversible: { count: 1, message: "Cannot be undone (1): a revoked access token cannot be restored." } };
    const h = {
      ...hass,
      callWS: async (msg: { type: string }) => {
        if (msg.type === "domoguard/audit")
          return { hub: { id: "", name: "Home", version: "1" }, score: 77, summary: {}, rules_run: 1, areas: [], devices: [], findings: [], not_run: [], audited_at: "" };
        if (msg.type === "domoguard/journal" || msg.type === "domoguard/history") return [];
        if (msg.type === "domoguard/plan") return plan;
        if (msg.type === "domoguard/apply")
          return { journal_id: 7, ok: true, rolled_back: false, failed_step: -1, error: "", plan, score: 90,
                   steps: [{ kind: "revoke_token", target: revoke.target, param: "", before: "present", after: "revoked", outcome: "changed", error: "" }] };
        return Promise.reject({ code: "unknown_command", message: "no" });
      },
    };
    const el = (await mount({ hass: h, narrow: false, route: { prefix: "/domoguard", path: "" } })) as Panel & { propose(r: unknown): void };
    el.propose({ kind: "plan", selector: ["--fix", "DG-TOK-001|token:u/2025-01-01T00:00:00Z"] });
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 5)).then(() => el.updateComplete);
    const warning = el.shadowRoot!.querySelector('[data-testid="plan-irreversible"]');
    expect(warning?.textContent).toContain("Cannot be undone (1)");
    (el.shadowRoot!.querySelector('[data-testid="plan-apply"]') as HTMLButtonElement).click();
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 5)).then(() => el.updateComplete);
    expect(el.shadowRoot!.querySelector('[data-testid="plan-result"]')).not.toBeNull();
    expect(el.shadowRoot!.querySelector('[data-testid="plan-undo"]')).toBeNull();
    el.remove();
  });
});

describe("the panel while DomoGuard starts", () => {
  it("loads by itself on its next round once DomoGuard has audited the home", async () => {
    let ready = false;
    const h = {
      ...hass,
      callWS: async (msg: { type: string }) => {
        if (msg.type === "domoguard/audit")
          return ready
            ? { hub: { id: "", name: "Home", version: "1" }, score: 58, summary: {}, rules_run: 1, areas: [], devices: [], findings: [], not_run: [], audited_at: "" }
            : Promise.reject({ code: "not_ready", message: "not yet" });
        if (msg.type === "domoguard/journal" || msg.type === "domoguard/history") return [];
        return Promise.reject({ code: "unknown_command", message: "no" });
      },
    };
    const el = (await mount({ hass: h, narrow: false, route: { prefix: "/domoguard", path: "" } })) as Panel & { refreshIfAudited(): Promise<void> };
    expect(el.shadowRoot!.querySelector('[role="alert"]')).not.toBeNull();
    ready = true;
    await el.refreshIfAudited(); // what the panel's 30-second round calls
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')).toBeNull();
    expect(el.shadowRoot!.querySelector(".score-num")!.textContent).toBe("58");
    el.remove();
  });
});

describe("the history when the journal cannot be read", () => {
  it("says so instead of claiming nothing was ever changed", async () => {
    const h = {
      ...hass,
      callWS: async (msg: { type: string }) => {
        if (msg.type === "domoguard/audit")
          return { hub: { id: "", name: "Home", version: "1" }, score: 70, summary: {}, rules_run: 1, areas: [], devices: [], findings: [], not_run: [], audited_at: "" };
        if (msg.type === "domoguard/history") return [];
        if (msg.type === "domoguard/journal") return Promise.reject({ code: "internal", message: "Cannot read the plan journal" });
        return Promise.reject({ code: "unknown_command", message: "no" });
      },
    };
    const el = await mount({ hass: h, narrow: false, route: { prefix: "/domoguard", path: "/history" } });
    el.tab = "history";
    await el.updateComplete;
    const alert = el.shadowRoot!.querySelector('[aria-labelledby="plans-heading"] [role="alert"]');
    expect(alert).not.toBeNull();
    expect(alert!.textContent).toContain("Cannot read the plan journal");
    expect(el.shadowRoot!.querySelector('[aria-labelledby="audits-heading"] [role="alert"]')).toBeNull();
    el.remove();
  });
});

describe("modes that hold", () => {
  it("shows which modes hold, a pause, the last change put back and a fight", async () => {
    const h = {
      ...hass,
      language: "en",
      locale: { language: "en" },
      callWS: async (msg: { type: string }) => {
        if (msg.type === "domoguard/hold")
          return {
            modes: [
              { mode: "child_safe", title: "child-safe mode", in_force: true, policy: "restore", paused_until: null, holding: true },
              { mode: "scenario", title: "the scenario", in_force: true, policy: "notify", paused_until: "2026-12-04T23:30:00Z", holding: false },
              { mode: "level", title: "the security level", in_force: false, policy: "notify", paused_until: null, holding: false },
            ],
            drift: [],
            last_restore: { mode: "child_safe", journal_id: 7, ok: true, at: "2026-12-04T23:00:00Z",
              items: [{ mode: "child_safe", target: "switch.kettle_child_lock", entity_name: "Kettle Child lock",
                message: "Turn the child lock on: Kettle <b>Child lock</b>", changed_by: "Sam", at: "2026-12-04T23:00:00Z" }] },
            fights: [{ mode: "child_safe", target: "switch.kettle_child_lock", entity_name: "Kettle Child lock", attempts: 3, since: "2026-12-04T23:01:00Z" }],
          };
        return hass.callWS(msg);
      },
    };
    const el = await mount({ hass: h, narrow: false, route: { prefix: "/domoguard", path: "/protection" } });
    const box = el.shadowRoot!.querySelector('[data-testid="holding"]')!;
    expect(box).not.toBeNull();
    const items = [...box.querySelectorAll("li")].map((li) => li.textContent!.trim());
    expect(items[0]).toBe("child-safe mode: changes are put back");
    expect(items[1]).toContain("the scenario: paused until");
    expect(items).toHaveLength(2);  // the level is not in force
    const last = box.querySelector('[data-testid="hold-last"]')!;
    expect(last.textContent).toContain("Turn the child lock on: Kettle <b>Child lock</b>");  // a hub name stays text
    expect(last.querySelector("b")).toBeNull();
    expect(box.querySelector('[data-testid="hold-fight"]')!.textContent).toContain("Kettle Child lock keeps being changed");
    el.remove();
  });
});
