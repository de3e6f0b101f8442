// Privacy notices (ISO/IEC 27403 7.3.3): the home's and each device's, with acknowledgement.
// Notices that are new, or changed since someone acknowledged them, stand out.
import { html, nothing, type TemplateResult } from "lit";
import type { Acknowledgement, Destination, DeviceNotice, HomeNotice } from "../api";
import type { ViewHost } from "../host";
import { bounded } from "../model";
import { errorMessage } from "../transport";

export type AckState = "new" | "changed" | "ok";

export function ackState(a: Acknowledgement | undefined): AckState {
  if (!a || !a.needs_ack) return "ok";
  return a.version ? "changed" : "new";
}

/** A privacy-policy address is shown as a link only when it is a plain https URL. */
export function safeHttpsUrl(text: string): string | undefined {
  if (!/^https:\/\/[^\s"'<>]+$/.test(text)) return undefined;
  try {
    return new URL(text).protocol === "https:" ? text : undefined;
  } catch {
    return undefined;
  }
}

export class NoticesView {
  readonly devices = new Map<string, DeviceNotice>();
  open?: string;
  ackName = "";
  message = "";
  private loadingAll = false;
  /** Bumped by reset(): notices still arriving from before (another language, an older home) are dropped. */
  private generation = 0;

  constructor(private readonly host: ViewHost) {}

  reset(): void {
    this.devices.clear();
    this.loadingAll = false;
    this.generation++;
  }

  /** Loads every device's notice (for the new/changed marks); a few at a time. */
  async loadAll(notice: HomeNotice): Promise<void> {
    if (this.loadingAll) return;
    this.loadingAll = true;
    const gen = this.generation;
    const ids = notice.devices.filter((d) => !d.acknowledgement).map((d) => d.device_id).filter((id) => !this.devices.has(id));
    const next = () => ids.shift();
    const worker = async () => {
      for (let id = next(); id; id = next()) {
        try {
          const n = await this.host.api.deviceNotice(id);
          if (gen !== this.generation) return;
          this.devices.set(id, n);
        } catch {
          /* the list still shows the device; its notice loads when opened */
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    if (gen !== this.generation) return;
    this.host.requestUpdate();
  }

  async show(deviceId: string): Promise<void> {
    this.open = deviceId;
    this.host.requestUpdate();
    if (!this.devices.has(deviceId)) {
      const gen = this.generation;
      try {
        const n = await this.host.api.deviceNotice(deviceId);
        if (gen !== this.generation) return;
        this.devices.set(deviceId, n);
      } catch (e) {
        this.message = errorMessage(e, this.host.t);
      }
      this.host.requestUpdate();
    }
  }

  private async acknowledge(deviceId: string | undefined, version: string): Promise<void> {
    const t = this.host.t;
    // The daemon records the name typed here; Home Assistant's integration records the signed-in user.
    const viaHass = this.host.api.transport.kind === "hass";
    const user = viaHass ? (this.host.api.user ?? "") : this.ackName.trim();
    if (!viaHass && !user) {
      this.message = t("panel.notice.need_name");
      this.host.requestUpdate();
      return;
    }
    try {
      const n = await this.host.api.acknowledge(deviceId, version, user.slice(0, 200));
      if (deviceId) this.devices.set(deviceId, n as DeviceNotice);
      else (this.host.data as { homeNotice?: HomeNotice }).homeNotice = n as HomeNotice;
      this.message = t("panel.notice.acknowledged_now");
    } catch (e) {
      this.message = (e as { code?: string }).code === "conflict" ? t("panel.notice.changed_meanwhile") : errorMessage(e, t);
    }
    this.host.requestUpdate();
  }

  private ackBlock(a: Acknowledgement, deviceId: string | undefined, version: string, name: string): TemplateResult {
    const t = this.host.t;
    const st = ackState(a);
    if (st === "ok")
      return html`<p class="ack ok">${t("panel.notice.acknowledged", { user: bounded(a.user), time: this.host.formatTime(a.at) })}</p>`;
    return html`<div class="ack">
      <p>${st === "changed" ? t("panel.notice.changed_since", { user: bounded(a.user), time: this.host.formatTime(a.at) }) : t("panel.notice.not_acknowledged")}</p>
      <button class="primary" @click=${() => this.acknowledge(deviceId, version)}>
        ${t("panel.notice.acknowledge")}<span class="visually-hidden">: ${bounded(name)}</span>
      </button>
    </div>`;
  }

  private badge(st: AckState): TemplateResult | typeof nothing {
    const t = this.host.t;
    if (st === "new") return html`<span class="badge-new">${t("panel.badge.new")}</span>`;
    if (st === "changed") return html`<span class="badge-new">${t("panel.badge.changed")}</span>`;
    return nothing;
  }

  private destinations(list: Destination[]): TemplateResult | typeof nothing {
    const t = this.host.t;
    if (!list.length) return nothing;
    return html`<h4>${t("panel.notice.destinations")}</h4>
      <ul class="destinations">
        ${list.map((d) => {
          const url = safeHttpsUrl(d.privacy_policy);
          return html`<li>
            <strong class="wrap">${bounded(d.service)}</strong> <span class="muted wrap">(${bounded(d.vendor)})</span>
            ${url
              ? html` · <a href=${url} target="_blank" rel="noopener noreferrer">${t("panel.notice.policy")}</a>`
              : html` · <span class="muted">${t("panel.notice.policy_unknown")}</span>`}
          </li>`;
        })}
      </ul>`;
  }

  private deviceNotice(n: DeviceNotice): TemplateResult {
    return html`<div class="notice-body" data-testid="device-notice">
      <h3 class="wrap">${bounded(n.title, 300)}</h3>
      <ul class="lines">${n.lines.map((l) => html`<li class="wrap">${bounded(l.text, 1200)}</li>`)}</ul>
      ${this.destinations(n.destinations)} ${this.ackBlock(n.acknowledgement, n.device_id, n.version, n.name)}
    </div>`;
  }

  render(): TemplateResult {
    const host = this.host;
    const t = host.t;
    const home = host.data.homeNotice;
    if (!home) return html`<p class="muted">${t("panel.loading")}</p>`;
    const homeState = ackState(home.acknowledgement);
    return html`
      ${this.message ? html`<p class="card notice-message" role="status">${this.message}</p>` : nothing}
      ${host.api.transport.kind === "daemon"
        ? html`<div class="card name-row">
            <label for="ack-name">${t("panel.notice.your_name")}</label>
            <input id="ack-name" maxlength="200" autocomplete="name" .value=${this.ackName} @input=${(e: Event) => (this.ackName = (e.target as HTMLInputElement).value)} />
          </div>`
        : nothing}
      <section class="card home-notice ${homeState !== "ok" ? "attention" : ""}" aria-labelledby="home-notice-heading">
        <h2 id="home-notice-heading" class="wrap">${bounded(home.title, 300)} ${this.badge(homeState)}</h2>
        <ul class="lines">${home.lines.map((l) => html`<li class="wrap">${bounded(l.text, 1200)}</li>`)}</ul>
        ${this.destinations(home.destinations)} ${this.ackBlock(home.acknowledgement, undefined, home.version, home.title)}
      </section>
      <section class="card" aria-labelledby="device-notices-heading">
        <h2 id="device-notices-heading">${t("panel.notice.devices")}</h2>
        <ul class="device-notices">
          ${home.devices.map((d) => {
            const loaded = this.devices.get(d.device_id);
            const st = ackState(d.acknowledgement ?? loaded?.acknowledgement);
            const isOpen = this.open === d.device_id;
            return html`<li class=${st !== "ok" ? "attention" : ""} data-device=${d.device_id}>
              <button class="device-row" aria-expanded=${isOpen ? "true" : "false"} @click=${() => (isOpen ? ((this.open = undefined), host.requestUpdate()) : this.show(d.device_id))}>
                <span class="wrap"><strong>${bounded(d.name)}</strong> ${this.badge(st)}</span>
                <span class="muted">
                  ${d.senses.length ? d.senses.map((s) => t(`panel.sense.${s}`, undefined, s)).join(", ") : t("panel.sense.none")} ·
                  ${t(`panel.data_path.${d.data_path}`, undefined, d.data_path)}
                </span>
              </button>
              ${isOpen ? (loaded ? this.deviceNotice(loaded) : html`<p class="muted">${t("panel.loading")}</p>`) : nothing}
            </li>`;
          })}
        </ul>
      </section>
    `;
  }
}
