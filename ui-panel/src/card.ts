// <domoguard-notice-card>: a Lovelace card with the home's privacy-notice summary and score, or one
// device's notice (config `device_id`), with acknowledgement and a link to the DomoGuard panel.
//   type: custom:domoguard-notice-card
//   device_id: 19f7db55d76a9d9156e1202faba82de9   # optional
//   title: Front door                             # optional
//   panel_path: /domoguard                        # optional, where the panel is
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { Api, type DeviceNotice, type HoldStatus, type HomeNotice, type Status } from "./api";
import { languageOf, makeLocalize, type Localize } from "./i18n";
import { bounded } from "./model";
import { theme } from "./styles";
import { errorMessage, isUnreachable, selectTransport } from "./transport";
import type { Hass } from "./panel";
import { ackState } from "./views/notices";

export interface NoticeCardConfig {
  type: string;
  device_id?: string;
  title?: string;
  panel_path?: string;
}

/** How old the card's score and notice may get before a later update of hass reads them again. */
export const CARD_REFRESH_MS = 5 * 60_000;

const KEYS = new Set(["type", "device_id", "title", "panel_path", "view_layout", "grid_options", "visibility"]);

/** Checks a card configuration; throws an Error whose message Home Assistant shows on an error card. */
export function validateConfig(config: unknown): NoticeCardConfig {
  if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("domoguard-notice-card: the configuration must be a mapping");
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!KEYS.has(k)) throw new Error(`domoguard-notice-card: unknown option "${k}" (options: device_id, title, panel_path)`);
  const out: NoticeCardConfig = { type: typeof c.type === "string" ? c.type : "custom:domoguard-notice-card" };
  if (c.device_id !== undefined && c.device_id !== null && c.device_id !== "") {
    if (typeof c.device_id !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(c.device_id))
      throw new Error("domoguard-notice-card: device_id must be a device id (letters, digits, _ . : -; at most 128)");
    out.device_id = c.device_id;
  }
  if (c.title !== undefined) {
    if (typeof c.title !== "string" || c.title.length > 100) throw new Error("domoguard-notice-card: title must be text of at most 100 characters");
    out.title = c.title;
  }
  if (c.panel_path !== undefined) {
    if (typeof c.panel_path !== "string" || !/^\/[A-Za-z0-9_\-/]{0,100}$/.test(c.panel_path))
      throw new Error("domoguard-notice-card: panel_path must be a path like /domoguard");
    out.panel_path = c.panel_path;
  }
  return out;
}

export class DomoguardNoticeCard extends LitElement {
  static override properties = {
    hass: { attribute: false },
    config: { state: true },
    status: { state: true },
    notice: { state: true },
    error: { state: true },
    message: { state: true },
  };

  hass?: Hass;
  config?: NoticeCardConfig;
  status?: Status;
  notice?: HomeNotice | DeviceNotice;
  /** Modes that hold (the home card only; absent from a DomoGuard without domoguard/hold). */
  hold?: HoldStatus;
  error = "";
  message = "";
  private api?: Api;
  private loadedFor = "";
  private failedAt = 0;
  private loadedAt = 0;
  private t: Localize = makeLocalize("en");

  static getStubConfig(): Record<string, unknown> {
    return {};
  }

  setConfig(config: unknown): void {
    this.config = validateConfig(config);
  }

  getCardSize(): number {
    return this.config?.device_id ? 6 : 5;
  }

  getGridOptions(): Record<string, number> {
    return { columns: 6, rows: 5, min_columns: 4, min_rows: 3 };
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const lang = languageOf(this.hass);
    this.t = makeLocalize(lang);
    if (!this.config) return;
    const key = `${lang}|${this.config.device_id ?? ""}`;
    // A failed load (Home Assistant restarting, DomoGuard still starting) is tried again on a later
    // update of hass, at most every 30 s, instead of leaving the error on the dashboard for good.
    const retry = key === this.loadedFor && this.error !== "" && Date.now() - this.failedAt >= 30_000;
    // A dashboard stays open for days (a wall tablet): the score and notice are read again on a
    // later update once they are five minutes old.
    const stale = key === this.loadedFor && this.error === "" && this.loadedAt > 0 && Date.now() - this.loadedAt >= CARD_REFRESH_MS;
    if (key === this.loadedFor && !retry && !stale) return;
    if (!this.hass && !this.isConnected) return;
    if (retry) this.failedAt = Date.now();
    this.loadedFor = key;
    if (!this.api) this.api = new Api(selectTransport({ standalone: false, hass: () => this.hass, baseURI: document.baseURI }), lang);
    this.api.lang = lang;
    void this.load();
  }

  private async load(): Promise<void> {
    const api = this.api!;
    api.user = this.hass?.user?.name;
    try {
      const id = this.config?.device_id;
      const [status, notice, hold] = await Promise.all([
        api.status(),
        id ? api.deviceNotice(id) : api.homeNotice(),
        id ? Promise.resolve(undefined) : api.hold().catch(() => undefined),
      ]);
      this.status = status;
      this.notice = notice;
      this.hold = hold && Array.isArray(hold.modes) && Array.isArray(hold.fights) ? hold : undefined;
      this.error = "";
      this.loadedAt = Date.now();
    } catch (e) {
      this.error = isUnreachable(e) ? errorMessage(e, this.t) : this.t("card.error", { message: bounded(errorMessage(e, this.t), 200) });
      this.failedAt = Date.now();
    }
  }

  private async acknowledge(): Promise<void> {
    const n = this.notice;
    const user = this.hass?.user?.name;
    if (!n || !this.api) return;
    if (!user && this.api.transport.kind === "daemon") {
      this.message = this.t("card.need_user");
      return;
    }
    try {
      this.notice = await this.api.acknowledge(this.config?.device_id, n.version, user);
      this.message = this.t("card.acknowledged_now");
    } catch (e) {
      this.message = this.t("card.error", { message: bounded(errorMessage(e, this.t), 200) });
    }
  }

  private navigate(e: MouseEvent, path: string): void {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0 || !this.hass) return;
    e.preventDefault();
    history.pushState(null, "", path);
    window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace: false } }));
  }

  /** One line each: the modes holding, those paused, and settings DomoGuard stopped putting back. */
  private renderHold(): TemplateResult | typeof nothing {
    const h = this.hold;
    if (!h) return nothing;
    const t = this.t;
    const holding = h.modes.filter((m) => m.in_force && !m.paused_until).map((m) => m.title);
    const paused = h.modes.filter((m) => m.in_force && m.paused_until).map((m) => m.title);
    if (!holding.length && !paused.length && !h.fights.length) return nothing;
    return html`<div class="hold" data-testid="card-hold">
      ${holding.length ? html`<p>${t("card.hold.holding", { modes: bounded(holding.join(", "), 200) })}</p>` : nothing}
      ${paused.length ? html`<p class="muted">${t("card.hold.paused", { modes: bounded(paused.join(", "), 200) })}</p>` : nothing}
      ${h.fights.length
        ? html`<p><strong>${t("card.hold.fight", { names: bounded(h.fights.map((f) => f.entity_name).join(", "), 200) })}</strong></p>`
        : nothing}
    </div>`;
  }

  protected override render(): TemplateResult {
    const t = this.t;
    const n = this.notice;
    const path = this.config?.panel_path ?? "/domoguard";
    const st = n ? ackState(n.acknowledgement) : "ok";
    const title = this.config?.title ?? (this.config?.device_id && n ? (n as DeviceNotice).name : t("card.title"));
    const home = n && "devices" in n ? n : undefined;
    const cloud = home ? home.devices.filter((d) => d.data_path === "cloud").length : 0;
    const lines = n ? (home ? n.lines.filter((l) => l.key === "notice.home.sense" || l.key === "notice.home.devices") : n.lines) : [];
    return html`<div class="card" role="region" aria-label=${bounded(title)}>
      <div class="head">
        <h2 class="wrap">${bounded(title)}</h2>
        ${this.status?.score !== undefined && this.status.score !== null
          ? html`<span class="score" role="img" aria-label=${t("card.score_label", { score: this.status.score })}>${this.status.score}<small>/100</small></span>`
          : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.renderHold()}
      ${!n && !this.error ? html`<p class="muted">${t("card.loading")}</p>` : nothing}
      ${n
        ? html`
            <p class=${st === "ok" ? "muted" : "attention"}>
              ${st === "new" ? html`<span class="badge-new">${t("panel.badge.new")}</span> ${t("card.unread")}` : nothing}
              ${st === "changed" ? html`<span class="badge-new">${t("panel.badge.changed")}</span> ${t("card.changed")}` : nothing}
              ${st === "ok" ? t("card.acknowledged", { user: bounded(n.acknowledgement.user) }) : nothing}
            </p>
            ${home ? html`<p>${t("card.cloud_devices", { count: cloud, total: home.devices.length })}</p>` : nothing}
            <ul class="lines">${lines.slice(0, 8).map((l) => html`<li class="wrap">${bounded(l.text, 600)}</li>`)}</ul>
            ${this.message ? html`<p role="status">${this.message}</p>` : nothing}
            <div class="buttons">
              ${st !== "ok" ? html`<button class="primary" @click=${this.acknowledge}>${t("panel.notice.acknowledge")}</button>` : nothing}
              <a href=${path} @click=${(e: MouseEvent) => this.navigate(e, path)}>${t("card.open_panel")}</a>
            </div>
          `
        : nothing}
    </div>`;
  }

  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .card {
        background: var(--dg-card);
        border-radius: var(--dg-radius);
        border: var(--ha-card-border-width, 1px) solid var(--ha-card-border-color, var(--dg-divider));
        box-shadow: var(--ha-card-box-shadow, none);
        padding: 16px;
        height: 100%;
      }
      .head {
        display: flex;
        justify-content: space-between;
        gap: 8px;
        align-items: baseline;
      }
      h2 {
        font-size: 18px;
      }
      .score {
        font-size: 28px;
        font-weight: 600;
      }
      .score small {
        font-size: 14px;
        color: var(--dg-muted);
      }
      .lines {
        padding-inline-start: 18px;
        margin: 8px 0;
      }
      .attention {
        font-weight: 500;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
      }
    `,
  ];
}
