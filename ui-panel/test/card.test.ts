import { describe, expect, it } from "vitest";
import { validateConfig } from "../src/card";
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
