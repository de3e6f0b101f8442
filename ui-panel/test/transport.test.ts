import { describe, expect, it, vi } from "vitest";
import { makeLocalize } from "../src/i18n";
import { ApiError, DaemonTransport, daemonSocketUrl, errorMessage, HassTransport, selectTransport, type HassLike } from "../src/transport";

describe("transport selection", () => {
  const hass = { callWS: vi.fn(async () => ({ ok: 1 })) } as unknown as HassLike;
  it("uses hass.callWS inside Home Assistant", () => {
    expect(selectTransport({ standalone: false, hass: () => hass, baseURI: "http://ha.local:8123/domoguard" }).kind).toBe("hass");
  });
  it("uses the daemon's socket when the daemon served the page", () => {
    expect(selectTransport({ standalone: true, hass: () => hass, baseURI: "http://127.0.0.1:8099/" }).kind).toBe("daemon");
  });
  it("uses the daemon's socket when there is no hass.callWS", () => {
    expect(selectTransport({ standalone: false, hass: () => undefined, baseURI: "http://127.0.0.1:8099/" }).kind).toBe("daemon");
    expect(selectTransport({ standalone: false, hass: () => ({}), baseURI: "http://127.0.0.1:8099/" }).kind).toBe("daemon");
  });
  it("finds the socket behind the ingress prefix", () => {
    expect(daemonSocketUrl("http://ha.local:8123/api/hassio_ingress/abc_DEF-1/")).toBe("ws://ha.local:8123/api/hassio_ingress/abc_DEF-1/api/websocket");
    expect(daemonSocketUrl("https://ha.example/api/hassio_ingress/x/?lang=de#history")).toBe("wss://ha.example/api/hassio_ingress/x/api/websocket");
  });
});

describe("HassTransport", () => {
  it("forwards the request to the current hass and maps its errors", async () => {
    let current: { callWS: (m: unknown) => Promise<unknown> } = { callWS: async (m) => ({ echoed: m }) };
    const t = new HassTransport(() => current as never);
    expect(await t.call({ type: "domoguard/status", lang: "de" })).toEqual({ echoed: { type: "domoguard/status", lang: "de" } });
    current = { callWS: async () => Promise.reject({ code: "unauthorized", message: "Admin only" }) };
    const err = (await t.call({ type: "domoguard/apply" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("unauthorized");
    expect(err.message).toBe("Admin only");
  });
});

/** A socket that answers like domoguardd: {"id","type":"result","success",...}. */
class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  onopen?: () => void;
  onmessage?: (ev: { data: unknown }) => void;
  onclose?: () => void;
  constructor(readonly answer: (req: { id: number; type: string }) => unknown) {
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.();
    });
  }
  send(text: string) {
    this.sent.push(text);
    const req = JSON.parse(text);
    const reply = this.answer(req);
    if (reply !== undefined) queueMicrotask(() => this.onmessage?.({ data: JSON.stringify(reply) }));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
}

describe("DaemonTransport", () => {
  it("matches answers to requests by id, out of order too", async () => {
    const sockets: FakeSocket[] = [];
    const held: { id: number; type: string }[] = [];
    const t = new DaemonTransport("ws://x/api/websocket", 1000, () => {
      const s = new FakeSocket((req) => {
        if (req.type === "domoguard/slow") {
          held.push(req);
          return undefined;
        }
        return { id: req.id, type: "result", success: true, result: { for: req.type } };
      });
      sockets.push(s);
      return s as unknown as WebSocket;
    });
    const slow = t.call({ type: "domoguard/slow" });
    expect(await t.call({ type: "domoguard/status" })).toEqual({ for: "domoguard/status" });
    sockets[0].onmessage?.({ data: JSON.stringify({ id: held[0].id, type: "result", success: true, result: "late" }) });
    expect(await slow).toBe("late");
    expect(sockets.length).toBe(1);
    expect(JSON.parse(sockets[0].sent[0])).toMatchObject({ type: "domoguard/slow", id: 1 });
  });

  it("turns an error reply into an ApiError with its code and key", async () => {
    const t = new DaemonTransport("ws://x", 1000, () =>
      new FakeSocket((req) => ({ id: req.id, type: "result", success: false, error: { code: "not_found", key: "error.api.nothing_to_undo", message: "There is nothing to undo" } })) as unknown as WebSocket,
    );
    const err = (await t.call({ type: "domoguard/undo" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.key).toBe("error.api.nothing_to_undo");
  });

  it("rejects pending calls when the socket closes, and opens a new one for the next call", async () => {
    const sockets: FakeSocket[] = [];
    const t = new DaemonTransport("ws://x", 1000, () => {
      const s = new FakeSocket((req) => (sockets.length > 1 ? { id: req.id, type: "result", success: true, result: "again" } : undefined));
      sockets.push(s);
      return s as unknown as WebSocket;
    });
    const p = t.call({ type: "domoguard/audit" });
    await new Promise((r) => setTimeout(r, 0));
    sockets[0].close();
    await expect(p).rejects.toMatchObject({ code: "not_connected" });
    expect(await t.call({ type: "domoguard/status" })).toBe("again");
    expect(sockets.length).toBe(2);
  });

  it("gives up on a request that gets no answer", async () => {
    const t = new DaemonTransport("ws://x", 20, () => new FakeSocket(() => undefined) as unknown as WebSocket);
    await expect(t.call({ type: "domoguard/status" })).rejects.toMatchObject({ code: "timeout" });
  });
});

describe("Api requests", async () => {
  const { Api } = await import("../src/api");
  const sent: Record<string, unknown>[] = [];
  const recorder = (kind: "hass" | "daemon") => ({ kind, call: async (r: Record<string, unknown>) => (sent.push(r), {}) }) as never;
  it("carry the language in every request", async () => {
    sent.length = 0;
    const api = new Api(recorder("daemon"), "fr", "Alex");
    await api.status();
    await api.plan(["--level", "basic"]);
    await api.deviceNotice("d1");
    expect(sent.map((r) => r.lang)).toEqual(["fr", "fr", "fr"]);
    expect(sent[1]).toEqual({ type: "domoguard/plan", lang: "fr", selector: ["--level", "basic"] });
  });
  it("name the person to the daemon, not to Home Assistant (which adds the signed-in user itself)", async () => {
    sent.length = 0;
    await new Api(recorder("daemon"), "en", "Alex").apply(["--child-safe", "on"]);
    await new Api(recorder("hass"), "en", "Alex").apply(["--child-safe", "on"]);
    await new Api(recorder("daemon"), "en").acknowledge("d1", "v1", "Sam");
    await new Api(recorder("hass"), "en").acknowledge(undefined, "v1", "Sam");
    expect(sent[0]).toMatchObject({ user: "Alex" });
    expect(sent[1]).not.toHaveProperty("user");
    expect(sent[2]).toEqual({ type: "domoguard/notice/ack", lang: "en", device_id: "d1", version: "v1", user: "Sam" });
    expect(sent[3]).toEqual({ type: "domoguard/notice/ack", lang: "en", version: "v1" });
  });
});

describe("HassTransport when Home Assistant's connection drops", () => {
  // home-assistant-js-websocket: sendMessage throws ERR_CONNECTION_LOST (3) while disconnected, and
  // requests in flight at a restart are rejected with the whole {type:"result",success:false,error}.
  it.each([
    ["the bare error number", 3],
    ["a result cut off by a restart", { type: "result", success: false, error: { code: 3, message: "Connection lost" } }],
  ])("reports %s as not connected, with the panel's own text", async (_what, rejection) => {
    const t = new HassTransport(() => ({ callWS: async () => Promise.reject(rejection) }) as never);
    const err = (await t.call({ type: "domoguard/audit" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ code: "not_connected", key: "panel.error.not_connected" });
    const de = makeLocalize("de");
    expect(errorMessage(err, de)).toBe(de("panel.error.not_connected"));
    expect(errorMessage(err, de)).not.toMatch(/Connection|object|^3$/);
  });
  it("keeps the code and message of an error Home Assistant wrapped in a result", async () => {
    const t = new HassTransport(() => ({ callWS: async () => Promise.reject({ type: "result", success: false, error: { code: "unauthorized", message: "Nur für Admins" } }) }) as never);
    const err = (await t.call({ type: "domoguard/apply" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ code: "unauthorized", message: "Nur für Admins" });
    expect(errorMessage(err, makeLocalize("de"))).toBe("Nur für Admins");
  });
});
