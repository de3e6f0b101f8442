import { describe, expect, it, vi } from "vitest";
import { CARD_REFRESH_MS, validateConfig } from "../src/card";
import { makeLocalize } from "../src/i18n";
import "../src/main";

describe("notice card configuration", () => {
  it("accepts the home card and a device card", () => {
    expect(validateConfig({ type: "custom:domoguard-notice-card" })).toEqual({ type: "custom:domoguard-notice-card" });
    expect(validateConfig({ type: "custom:domoguard-notice-card", device_id: "19f7db55d76a9d9156e1202faba82de9", title: "Front door" })).toMatchObject({
      device_id: "19f7db55d76a9d9156e1202faba82de9",
      title: "Front door",
    });
    expect(validateConfig({ type: "custom:domoguard-notice-card", device_id: "" }).device_id).toBeUndefined();
  });
  it.each([
    [null, /must be a mapping/],
    [[], /must be a mapping/],
    ["device_id: x", /must be a mapping/],
    [{ type: "custom:domoguard-notice-card", device_id: 5 }, /device_id/],
    [{ type: "custom:domoguard-notice-card", device_id: "<img src=x>" }, /device_id/],
    [{ type: "custom:domoguard-notice-card", device_id: "a".repeat(129) }, /device_id/],
    [{ type: "custom:domoguard-notice-card", title: 3 }, /title/],
    [{ type: "custom:domoguard-notice-card", panel_path: "javascript:alert(1)" }, /panel_path/],
    [{ type: "custom:domoguard-notice-card", entity: "sensor.x" }, /unknown option "entity"/],
  ])("refuses %j", (config, message) => {
    expect(() => validateConfig(config)).toThrow(message);
  });
  it("is a Lovelace card: registered, stub config, size, and setConfig validates", () => {
    const Card = customElements.get("domoguard-notice-card") as unknown as { getStubConfig(): object; new (): HTMLElement };
    expect(Card).toBeDefined();
    expect(Card.getStubConfig()).toEqual({});
    const card = new Card() as HTMLElement & { setConfig(c: unknown): void; getCardSize(): number };
    card.setConfig({ type: "custom:domoguard-notice-card" });
    expect(card.getCardSize()).toBeGreaterThan(0);
    expect(() => card.setConfig({ type: "custom:domoguard-notice-card", device_id: "../../x" })).toThrow();
    const cards = (window as unknown as { customCards: { type: string; name: string }[] }).customCards;
    expect(cards.filter((c) => c.type === "domoguard-notice-card")).toHaveLength(1);
    expect(cards[0].name).toBeTruthy();
  });
});

describe("notice card when Home Assistant restarts", () => {
  it("says so in the user's language and loads again on a later update", async () => {
    let up = false;
    const notice = { title: "Privacy in this home", version: "v1", devices: [], destinations: [], lines: [], acknowledgement: { needs_ack: false, user: "Sam", at: "" } };
    const hass = {
      language: "fr",
      locale: { language: "fr" },
      user: { name: "Sam" },
      callWS: async (msg: { type: string }) => {
        if (!up) return Promise.reject({ type: "result", success: false, error: { code: 3, message: "Connection lost" } });
        return msg.type === "domoguard/status" ? { ready: true, version: "1", score: 64 } : notice;
      },
    };
    const settle = async (el: { updateComplete: Promise<unknown> }) => {
      for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 5)).then(() => el.updateComplete);
    };
    const card = document.createElement("domoguard-notice-card") as HTMLElement & { setConfig(c: unknown): void; hass: unknown; updateComplete: Promise<unknown> };
    card.setConfig({ type: "custom:domoguard-notice-card" });
    card.hass = hass;
    document.body.append(card);
    await settle(card);
    const fr = makeLocalize("fr");
    expect(card.shadowRoot!.querySelector('[role="alert"]')!.textContent).toBe(fr("panel.error.not_connected"));
    up = true;
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + 31_000);
    card.hass = { ...hass };
    await settle(card);
    clock.mockRestore();
    expect(card.shadowRoot!.querySelector('[role="alert"]')).toBeNull();
    expect(card.shadowRoot!.querySelector(".score")!.textContent).toContain("64");
    // A plain span's aria-label is ignored by screen readers: the score is an image with a spoken name.
    expect(card.shadowRoot!.querySelector(".score")!.getAttribute("role")).toBe("img");
    expect(card.shadowRoot!.querySelector(".score")!.getAttribute("aria-label")).toBe(fr("card.score_label", { score: 64 }));
    card.remove();
  });
});

describe("notice card on a dashboard left open", () => {
  it("reads the score again once it is five minutes old, not on every update before", async () => {
    let score = 64;
    let calls = 0;
    const notice = { title: "Privacy in this home", version: "v1", devices: [], destinations: [], lines: [], acknowledgement: { needs_ack: false, user: "Sam", at: "" } };
    const hass = {
      language: "en",
      locale: { language: "en" },
      user: { name: "Sam" },
      callWS: async (msg: { type: string }) => {
        if (msg.type === "domoguard/status") {
          calls++;
          return { ready: true, version: "1", score };
        }
        return notice;
      },
    };
    const settle = async (el: { updateComplete: Promise<unknown> }) => {
      for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 5)).then(() => el.updateComplete);
    };
    const card = document.createElement("domoguard-notice-card") as HTMLElement & { setConfig(c: unknown): void; hass: unknown; updateComplete: Promise<unknown> };
    card.setConfig({ type: "custom:domoguard-notice-card" });
    card.hass = hass;
    document.body.append(card);
    await settle(card);
    expect(card.shadowRoot!.querySelector(".score")!.textContent).toContain("64");
    score = 81;
    card.hass = { ...hass };  // a state change a minute later: no new request
    await settle(card);
    expect(calls).toBe(1);
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + CARD_REFRESH_MS + 1000);
    card.hass = { ...hass };
    await settle(card);
    clock.mockRestore();
    expect(calls).toBe(2);
    expect(card.shadowRoot!.querySelector(".score")!.textContent).toContain("81");
    card.remove();
  });
});

describe("notice card and modes that hold", () => {
  it("says which modes hold, which are paused, and what DomoGuard stopped putting back", async () => {
    const notice = { title: "Privacy in this home", version: "v1", devices: [], destinations: [], lines: [], acknowledgement: { needs_ack: false, user: "Sam", at: "" } };
    const hold = {
      modes: [
        { mode: "child_safe", title: "child-safe mode", in_force: true, policy: "restore", paused_until: null, holding: true },
        { mode: "scenario", title: "the scenario", in_force: true, policy: "notify", paused_until: "2026-12-04T23:30:00Z", holding: false },
        { mode: "level", title: "the security level", in_force: false, policy: "notify", paused_until: null, holding: false },
      ],
      drift: [],
      last_restore: null,
      fights: [{ mode: "child_safe", target: "switch.x", entity_name: "<img src=x onerror=alert(1)>", attempts: 3, since: "" }],
    };
    const hass = {
      language: "en",
      locale: { language: "en" },
      user: { name: "Sam" },
      callWS: async (msg: { type: string }) =>
        msg.type === "domoguard/status" ? { ready: true, version: "1", score: 64 } : msg.type === "domoguard/hold" ? hold : notice,
    };
    const card = document.createElement("domoguard-notice-card") as HTMLElement & { setConfig(c: unknown): void; hass: unknown; updateComplete: Promise<unknown> };
    card.setConfig({ type: "custom:domoguard-notice-card" });
    card.hass = hass;
    document.body.append(card);
    for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 5)).then(() => card.updateComplete);
    const box = card.shadowRoot!.querySelector('[data-testid="card-hold"]')!;
    const lines = [...box.querySelectorAll("p")].map((p) => p.textContent!.trim());
    expect(lines[0]).toBe("Holding: child-safe mode");
    expect(lines[1]).toBe("Paused: the scenario");
    expect(lines[2]).toContain("<img src=x onerror=alert(1)>");  // a hub name stays text
    expect(box.querySelector("img")).toBeNull();
    card.remove();
  });
});
