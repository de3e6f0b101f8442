// Protection: one-click security level per service category, the child-safe and privacy-by-default
// switches and the scenario. Every control opens a preview of what it will change; nothing
// changes before the household confirms.
import { html, nothing, type TemplateResult } from "lit";
import type { Settings } from "../api";
import type { ViewHost } from "../host";
import type { Localize } from "../i18n";

const LEVELS = ["basic", "recommended", "strict"];
const CATEGORIES = ["access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"];
const SCENARIOS = ["home", "away", "guests", "night"];

/** What the panel shows when the API has no domoguard/settings: the names it knows, no current values. */
export function settingsFromLocale(t: Localize): Settings {
  return {
    levels: LEVELS.map((n) => ({ name: n, title: t(`level.${n}.title`, undefined, n), summary: t(`level.${n}.description`) })),
    categories: CATEGORIES.map((n) => ({ name: n, title: t(`category.${n}.title`, undefined, n), level: null, journal_id: null })),
    scenarios: SCENARIOS.map((n) => ({ name: n, title: t(`scenario.${n}.title`, undefined, n), summary: t(`scenario.${n}.description`) })),
    scenario: null,
    child_safe: { on: false, journal_id: null },
    privacy_default: { on: false },
  };
}

/** The level of the whole home: the one every category has, if they all have the same. */
export function wholeHomeLevel(s: Settings): string | null {
  const first = s.categories[0]?.level ?? null;
  return first && s.categories.every((c) => c.level === first) ? first : null;
}

function levelPicker(host: ViewHost, s: Settings, label: string, current: string | null, category?: string): TemplateResult {
  const t = host.t;
  return html`<div class="level-row" data-category=${category ?? "all"}>
    <div class="level-label">
      <strong>${label}</strong>
      <span class="muted">${current ? t("panel.protection.current", { level: s.levels.find((l) => l.name === current)?.title ?? current }) : t("panel.protection.not_set")}</span>
    </div>
    <div class="segmented" role="group" aria-label=${t("panel.protection.level_for", { category: label })}>
      ${s.levels.map(
        (l) => html`<button
          aria-pressed=${current === l.name ? "true" : "false"}
          data-level=${l.name}
          ?disabled=${host.busy}
          @click=${() => host.propose({ kind: "plan", selector: category ? ["--level", l.name, "--category", category] : ["--level", l.name] })}
        >${l.title}</button>`,
      )}
    </div>
  </div>`;
}

function toggle(host: ViewHost, id: string, title: string, description: string, on: boolean, onClick: () => void): TemplateResult {
  const t = host.t;
  return html`<div class="toggle-row">
    <div>
      <h3 id=${id}>${title}</h3>
      <p class="muted">${description}</p>
    </div>
    <button role="switch" class="switch" aria-checked=${on ? "true" : "false"} aria-labelledby=${id} data-testid=${id} ?disabled=${host.busy} @click=${onClick}>
      <span class="knob" aria-hidden="true"></span><span class="state">${on ? t("panel.switch.on") : t("panel.switch.off")}</span>
    </button>
  </div>`;
}

/** Which modes hold, any pause, the last drift put back and what DomoGuard stopped fighting over. */
export function renderHolding(host: ViewHost): TemplateResult | typeof nothing {
  const t = host.t;
  const h = host.data.hold;
  if (!h) return nothing;
  const inForce = h.modes.filter((m) => m.in_force);
  const last = h.last_restore;
  return html`<div class="holding" data-testid="holding">
    <h3>${t("panel.hold.heading")}</h3>
    ${inForce.length === 0 ? html`<p class="muted">${t("panel.hold.none")}</p>` : nothing}
    <ul>
      ${inForce.map(
        (m) => html`<li data-mode=${m.mode}>${m.paused_until
          ? t("panel.hold.paused", { mode: m.title, until: host.formatTime(m.paused_until) })
          : t(m.policy === "restore" ? "panel.hold.restore" : "panel.hold.notify", { mode: m.title })}</li>`,
      )}
    </ul>
    ${last && last.items.length
      ? html`<p class="muted" data-testid="hold-last">${t("panel.hold.last", { what: last.items.map((i) => i.message).join("; "), when: host.formatTime(last.at) })}</p>`
      : nothing}
    ${h.fights.map(
      (f) => html`<p data-testid="hold-fight"><strong>${t("panel.hold.fight", { name: f.entity_name, count: f.attempts })}</strong></p>`,
    )}
  </div>`;
}

export function renderProtection(host: ViewHost): TemplateResult {
  const t = host.t;
  const s = host.data.settings ?? settingsFromLocale(t);
  const missing = !host.data.settings;
  return html`
    ${missing && host.data.settingsMissing ? html`<p class="card muted">${t("panel.protection.no_settings")}</p>` : nothing}
    <section class="card" aria-labelledby="levels-heading">
      <h2 id="levels-heading">${t("panel.protection.levels")}</h2>
      <p class="muted">${t("panel.protection.levels_intro")}</p>
      <dl class="level-help">
        ${s.levels.map((l) => html`<dt>${l.title}</dt><dd class="muted">${l.summary}</dd>`)}
      </dl>
      <div class="levels" data-testid="level-picker">
        ${s.categories.map((c) => levelPicker(host, s, c.title, c.level, c.name))}
        ${levelPicker(host, s, t("panel.protection.whole_home"), wholeHomeLevel(s))}
      </div>
    </section>
    <section class="card" aria-labelledby="modes-heading">
      <h2 id="modes-heading">${t("panel.protection.modes")}</h2>
      ${toggle(host, "child-safe", t("panel.protection.child_safe"), t("panel.protection.child_safe_help"), s.child_safe.on, () =>
        s.child_safe.on
          ? host.propose({ kind: "off", selector: ["--child-safe", "off"], label: t("panel.protection.child_safe_off") })
          : host.propose({ kind: "plan", selector: ["--child-safe", "on"] }),
      )}
      ${toggle(host, "privacy-default", t("panel.protection.privacy_default"), t("panel.protection.privacy_default_help"), s.privacy_default.on, () =>
        host.propose({ kind: "privacy_default", on: !s.privacy_default.on }),
      )}
      ${renderHolding(host)}
    </section>
    <section class="card" aria-labelledby="scenario-heading">
      <h2 id="scenario-heading">${t("panel.protection.scenario")}</h2>
      <p class="muted">${t("panel.protection.scenario_intro")}</p>
      <div class="scenarios" role="group" aria-labelledby="scenario-heading">
        ${s.scenarios.map(
          (sc) => html`<button class="scenario" aria-pressed=${s.scenario === sc.name ? "true" : "false"} data-scenario=${sc.name} ?disabled=${host.busy}
            @click=${() => host.propose({ kind: "plan", selector: ["--scenario", sc.name] })}>
            <strong>${sc.title}</strong>
            <span class="muted">${sc.summary ?? t(`scenario.${sc.name}.description`)}</span>
          </button>`,
        )}
      </div>
    </section>
  `;
}
