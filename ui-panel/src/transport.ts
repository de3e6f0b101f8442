// How the UI reaches the domoguard/* API. Inside Home Assistant the integration registers the
// commands on HA's own WebSocket, reached through hass.callWS; when domoguardd serves the page
// (add-on ingress, or --demo) the daemon's WebSocket at api/websocket answers the same commands.
// Everything else in the UI calls only Transport.call.
import type { Localize } from "./i18n";

export interface Request {
  type: string;
  [field: string]: unknown;
}

export interface Transport {
  readonly kind: "hass" | "daemon";
  call<T>(request: Request): Promise<T>;
  close?(): void;
}

/** An error the API (or the way to it) reported: a code, a message key and an English message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * What to tell the user about a failed call, in their language: the panel's own text for what
 * happened on the way (not connected, timed out), else the API's message (which the core already
 * wrote in the request's language).
 */
export function errorMessage(e: unknown, t: Localize): string {
  const own = isUnreachable(e) ? t((e as ApiError).key) : "";
  if (own) return own;
  const err = e as Partial<ApiError> | undefined;
  return typeof err?.message === "string" && err.message ? err.message : String(e);
}

/** True when the call never got an answer (no connection, or none in time): the panel says so itself. */
export function isUnreachable(e: unknown): boolean {
  const key = (e as Partial<ApiError> | undefined)?.key;
  return key === "panel.error.not_connected" || key === "panel.error.timeout";
}

export interface HassLike {
  callWS?: <T>(msg: Request) => Promise<T>;
}

/** Calls through whichever hass object the panel holds now (HA hands it a new one on every change). */
export class HassTransport implements Transport {
  readonly kind = "hass";
  constructor(private readonly hass: () => HassLike | undefined) {}
  async call<T>(request: Request): Promise<T> {
    const h = this.hass();
    if (!h?.callWS) throw new ApiError("not_connected", "panel.error.not_connected", "Home Assistant is not connected");
    try {
      return await h.callWS<T>(request);
    } catch (e) {
      // home-assistant-js-websocket rejects with the number 3 (ERR_CONNECTION_LOST) when the socket is
      // down, and with {type:"result",success:false,error:{code:3,…}} for requests cut off by a restart.
      const inner = (e as { error?: unknown })?.error;
      const err = (inner && typeof inner === "object" ? inner : e) as { code?: unknown; message?: unknown; translation_key?: unknown };
      if (e === 3 || err?.code === 3)
        throw new ApiError("not_connected", "panel.error.not_connected", "The connection to Home Assistant was lost");
      throw new ApiError(
        typeof err?.code === "string" ? err.code : "unknown_error",
        typeof err?.translation_key === "string" ? err.translation_key : "",
        typeof err?.message === "string" ? err.message : String(e),
      );
    }
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

type SocketFactory = (url: string) => WebSocket;

/** The daemon's WebSocket, relative to the page (so it works behind the ingress prefix). */
export function daemonSocketUrl(baseURI: string): string {
  const u = new URL("api/websocket", baseURI);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.hash = "";
  u.search = "";
  return u.toString();
}

/**
 * One socket, opened on first use and again after it closes. Requests carry an id; the daemon
 * answers {"id","type":"result","success",...}. A request gets no answer within timeoutMs → rejected.
 */
export class DaemonTransport implements Transport {
  readonly kind = "daemon";
  private socket?: WebSocket;
  private opening?: Promise<WebSocket>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 60_000,
    private readonly factory: SocketFactory = (u) => new WebSocket(u),
  ) {}

  private open(): Promise<WebSocket> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = this.factory(this.url);
      ws.onopen = () => {
        this.socket = ws;
        this.opening = undefined;
        resolve(ws);
      };
      ws.onmessage = (ev) => this.receive(ev.data);
      ws.onclose = () => {
        if (this.opening) {
          this.opening = undefined;
          reject(new ApiError("not_connected", "panel.error.not_connected", "Cannot reach DomoGuard"));
        }
        if (this.socket === ws) this.socket = undefined;
        this.failAll(new ApiError("not_connected", "panel.error.not_connected", "The connection to DomoGuard closed"));
      };
    });
    return this.opening;
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    let msg: { id?: unknown; success?: unknown; result?: unknown; error?: { code?: string; key?: string; message?: string } };
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg.id !== "number") return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.success === true) p.resolve(msg.result);
    else p.reject(new ApiError(msg.error?.code ?? "unknown_error", msg.error?.key ?? "", msg.error?.message ?? "The request failed"));
  }

  private failAll(err: ApiError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  async call<T>(request: Request): Promise<T> {
    const ws = await this.open();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError("timeout", "panel.error.timeout", "DomoGuard did not answer in time"));
      }, this.timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ ...request, id }));
    });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}

/**
 * The transport for an element: the daemon's socket when the daemon served the page (the panel's
 * `standalone` attribute) or when there is no hass.callWS; Home Assistant's otherwise.
 */
export function selectTransport(opts: {
  standalone: boolean;
  hass: () => HassLike | undefined;
  baseURI: string;
}): Transport {
  if (!opts.standalone && typeof opts.hass()?.callWS === "function") return new HassTransport(opts.hass);
  return new DaemonTransport(daemonSocketUrl(opts.baseURI));
}
