// <domoguard-panel>: the DomoGuard sidebar panel. Home Assistant sets hass, narrow, route and
// panel on it; domoguardd's own page adds the `standalone` attribute instead. It talks only the
// domoguard/* API (see transport.ts) and renders hub-supplied text through Lit text bindings only.
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { Api, type ApplyResult, type Plan, type Settings } from "./api";
import type { ChangeRequest, PanelData, ViewHost } from "./host";
import { languageOf, makeLocalize, pickLanguage, SUPPORTED, type Localize } from "./i18n";
import { bounded } from "./model";
import { theme } from "./styles";
import { ApiError, errorMessage, isUnreachable, selectTransport, type HassLike } from "./transport";
import { renderHistory } from "./views/history";
import { NoticesView } from "./views/notices";
import { renderOverview } from "./views/overview";
import { renderProtection } from "./views/protection";

export interface Hass extends HassLike {
  language?: string;
  locale?: { language?: string; time_zone?: string };
  user?: { name?: string; is_admin?: boolean };
}

const TABS = ["overview", "protection", "notices", "history"] as const;
type Tab = (typeof TABS)[number];

const LANGUAGE_NAMES: Record<string, string> = { en: "English", de: "Deutsch", fr: "Français", es: "Español", nl: "Nederlands" };

interface DialogState {
  req: ChangeRequest;
  phase: "loading" | "preview" | "applying" | "done" | "error";
  plan?: Plan;
  result?: ApplyResult;
  settings?: Settings;
  error?: string;
  changed?: boolean;
}

/** Whether undo could put anything back: a revoked access token (undoable: false) cannot be. */
function undoable(plan: Plan | undefined): boolean {
  return !plan || plan.actions.length === 0 || plan.actions.some((a) => a.undoable !== false);
}

export class DomoguardPanel extends LitElement implements ViewHost {
  static override properties = {
    hass: { attribute: false },
    narrow: { type: Boolean },
    route: { attribute: false },
    panel: { attribute: false },
    standalone: { type: Boolean, reflect: true },
    tab: { state: true },
    dialog: { state: true },
    loadError: { state: true },
    announce: { state: true },
    chosenLang: { state: true },
  };

  hass?: Hass;
  narrow = false;
  route?: { prefix: string; path: string };
  panel?: { url_path?: string; config?: Record<string, unknown> };
  standalone = false;
  tab: Tab = "overview";
  dialog?: DialogState;
  loadError = "";
  announce = "";
  /** The language picked in the standalone page's selector (Home Assistant's choice wins otherwise). */
  chosenLang?: string;

  data: PanelData = {};
  language = "en";
  t: Localize = makeLocalize("en");
  private _api?: Api;
  private notices = new NoticesView(this);
  private loadSeq = 0;
  private poll?: ReturnType<typeof setInterval>;
  private started = false;

  get api(): Api {
    if (!this._api) {
      const transport = selectTransport({ standalone: this.standalone, hass: () => this.hass, baseURI: document.baseURI });
      this._api = new Api(transport, this.language, this.hass?.user?.name);
    }
    return this._api;
  }

  get busy(): boolean {
    return this.dialog?.phase === "applying";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The hub keeps changing (a device paired, a setting changed): re-read when DomoGuard audited again.
    this.poll = setInterval(() => void this.refreshIfAudited(), 30_000);
    if (this.standalone) {
      // domoguardd's page holds only this element: let it fill the window, in the browser's colour scheme.
      document.documentElement.style.colorScheme = "light dark";
      document.body.style.margin = "0";
      const q = new URLSearchParams(location.search).get("lang");
      if (q) this.chosenLang = pickLanguage(q);
      const h = location.hash.replace(/^#/, "") as Tab;
      if (TABS.includes(h)) this.tab = h;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.poll);
    this._api?.transport.close?.();
    this._api = undefined;
  }

  private ready(): boolean {
    return this.standalone || typeof this.hass?.callWS === "function";
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const lang = this.hass && !this.standalone ? languageOf(this.hass) : languageOf(this.hass, this.chosenLang);
    const langChanged = lang !== this.language;
    if (langChanged) {
      this.language = lang;
      this.t = makeLocalize(lang);
      // domoguardd's page is this element only: its toolbar and tabs are read in the page's language.
      if (this.standalone) document.documentElement.lang = lang;
    }
    if (changed.has("route") && this.route) {
      const seg = this.route.path.replace(/^\//, "").split("/")[0] as Tab;
      if (TABS.includes(seg)) this.tab = seg;
    }
    if (!this.ready()) return;
    if (this._api) {
      this._api.lang = lang;
      this._api.user = this.hass?.user?.name;
    }
    if (langChanged || !this.started) {
      this.started = true;
      void this.reload();
    }
  }

  /** Loads everything the views show, in the current language. Later loads win over earlier ones. */
  async reload(): Promise<void> {
    const seq = ++this.loadSeq;
    const api = this.api;
    const lang = this.language;
    api.lang = lang;
    const soft = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
    const [audit, settings, journal, history, homeNotice, catalog, hold] = await Promise.all([
      soft(api.audit()),
      soft(api.settings()),
      soft(api.journal()),
      soft(api.history()),
      soft(api.homeNotice()),
      // The catalogue's titles and reasons are in the language asked for: asked again when it changes.
      this.data.catalog && this.catalogLang === lang ? Promise.resolve({ ok: true as const, v: this.data.catalog }) : soft(api.catalog()),
      soft(api.hold()),
    ]);
    if (seq !== this.loadSeq) return;
    if (!audit.ok) {
      const e = audit.e as ApiError;
      this.loadError =
        e.code === "not_ready"
          ? this.t("panel.error.not_ready")
          : isUnreachable(e)
            ? errorMessage(e, this.t)
            : this.t("panel.error.load", { message: bounded(errorMessage(e, this.t), 300) });
      return;
    }
    this.loadError = "";
    this.data = {
      audit: audit.v,
      settings: settings.ok ? settings.v : undefined,
      settingsMissing: !settings.ok,
      journal: journal.ok ? journal.v : [],
      history: history.ok ? history.v : [],
      journalError: journal.ok ? undefined : this.t("panel.error.failed", { message: bounded(errorMessage(journal.e, this.t), 300) }),
      historyError: history.ok ? undefined : this.t("panel.error.failed", { message: bounded(errorMessage(history.e, this.t), 300) }),
      homeNotice: homeNotice.ok ? homeNotice.v : undefined,
      catalog: catalog.ok ? catalog.v : undefined,
      hold: hold.ok ? hold.v : undefined,
    };
    this.catalogLang = catalog.ok ? lang : "";
    this.clauses = new Map((this.data.catalog?.clauses ?? []).map((c) => [c.id, c.title]));
    this.severityReasons = new Map((this.data.catalog?.rules ?? []).map((r) => [r.id, r.severity_reason ?? ""]));
    this.notices.reset();
    this.requestUpdate();
    if (this.data.homeNotice) void this.notices.loadAll(this.data.homeNotice);
  }

  private async refreshIfAudited(): Promise<void> {
    if (!this.ready() || this.dialog || document.visibilityState !== "visible") return;
    // Nothing loaded yet (DomoGuard was still starting, or could not be reached): try again by itself.
    if (!this.data.audit) {
      if (this.loadError) await this.reload();
      return;
    }
    try {
      const s = await this.api.status();
      const a = this.data.audit;
      if (s.audited_at !== a.audited_at || s.score !== a.score || s.findings !== a.findings.length) await this.reload();
    } catch {
      /* the next round tries again; a failed load shows its own message */
    }
  }

  private catalogLang = "";
  private clauses = new Map<string, string>();
  clauseTitle(id: string): string {
    return this.clauses.get(id) ?? "";
  }

  private severityReasons = new Map<string, string>();
  severityReason(rule: string): string {
    return this.severityReasons.get(rule) ?? "";
  }

  formatTime(iso: string | undefined): string {
    if (!iso) return "";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    try {
      return new Intl.DateTimeFormat(this.language, { dateStyle: "medium", timeStyle: "short" }).format(d);
    } catch {
      return d.toISOString();
    }
  }

  // ---- navigation ----

  private selectTab(tab: Tab, focus = false): void {
    this.tab = tab;
    if (this.standalone) history.replaceState(null, "", `#${tab}`);
    else if (this.route) {
      history.pushState(null, "", `${this.route.prefix}/${tab}`);
      window.dispatchEvent(new CustomEvent("location-changed", { detail: { replace: false } }));
    }
    if (focus) this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  private onTabKey(e: KeyboardEvent): void {
    const i = TABS.indexOf(this.tab);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % TABS.length;
    else if (e.key === "ArrowLeft") next = (i + TABS.length - 1) % TABS.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = TABS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    this.selectTab(TABS[next], true);
  }

  async acceptRisk(key: string, reason: string | undefined, until = "", name?: string): Promise<string> {
    try {
      if (reason === undefined) await this.api.withdrawAcceptance(key, name);
      else await this.api.accept(key, reason, until, name);
    } catch (e) {
      return this.errorText(e);
    }
    await this.reload();
    return "";
  }

  showNotice(deviceId: string): void {
    this.selectTab("notices");
    void this.notices.show(deviceId).then(() =>
      this.updateComplete.then(() => {
        const row = this.renderRoot.querySelector<HTMLElement>(`.device-notices li[data-device="${CSS.escape(deviceId)}"] button`);
        row?.scrollIntoView({ block: "start" });
        row?.focus();
      }),
    );
  }

  // ---- changes: preview, apply, result ----

  propose(req: ChangeRequest): void {
    this.dialog = { req, phase: "loading" };
    this.updateComplete.then(() => {
      const d = this.renderRoot.querySelector<HTMLDialogElement>("#plan-dialog");
      if (d && !d.open) d.showModal();
    });
    void this.loadPreview(req);
  }

  private async loadPreview(req: ChangeRequest): Promise<void> {
    try {
      let plan: Plan | undefined;
      if (req.kind === "plan" || req.kind === "off") plan = await this.api.plan(req.selector);
      else if (req.kind === "undo") plan = await this.api.planUndo(req.journalId).catch(() => undefined);
      if (this.dialog?.req !== req) return;
      this.dialog = { req, phase: "preview", plan };
    } catch (e) {
      if (this.dialog?.req !== req) return;
      this.dialog = { req, phase: "error", error: this.errorText(e) };
    }
  }

  private errorText(e: unknown): string {
    const err = e as ApiError;
    if (err?.code === "not_supported") return this.t("panel.error.read_only");
    if (err?.key === "error.api.nothing_to_undo") return this.t("panel.error.nothing_to_undo");
    return this.t("panel.error.failed", { message: bounded(errorMessage(e, this.t), 300) });
  }

  private async confirm(): Promise<void> {
    const d = this.dialog;
    if (!d || d.phase !== "preview") return;
    const req = d.req;
    this.dialog = { ...d, phase: "applying" };
    // Escape can close the dialog while the change runs: then show its outcome in the reloaded data.
    const gone = (): boolean => {
      if (this.dialog?.req === req) return false;
      void this.reload();
      return true;
    };
    try {
      if (req.kind === "privacy_default") {
        const s = await this.api.setPrivacyDefault(req.on);
        if (gone()) return;
        this.dialog = { ...d, phase: "done", settings: s, changed: true };
        this.announce = req.on ? this.t("panel.privacy_default.now_on") : this.t("panel.privacy_default.now_off");
      } else {
        const r = req.kind === "undo" ? await this.api.undo(req.journalId) : await this.api.apply(req.selector, d.plan?.id);
        if (gone()) return;
        this.dialog = { ...d, phase: "done", result: r, changed: true };
        this.announce = r.ok ? this.t("panel.result.done_score", { score: r.score }) : this.t("panel.result.failed");
      }
    } catch (e) {
      if (gone()) return;
      this.dialog = { ...d, phase: "error", error: this.errorText(e), changed: true };
    }
  }

  /** Offers the undo of what was just applied, previewed like any other change. */
  private undoNow(d: DialogState): void {
    const r = d.result!;
    this.propose({ kind: "undo", journalId: r.journal_id, label: this.t("panel.plan.undo_title", { title: r.plan.title }) });
    this.dialog = { ...this.dialog!, changed: true };
  }

  private closeDialog(): void {
    const d = this.renderRoot.querySelector<HTMLDialogElement>("#plan-dialog");
    if (d?.open) d.close();
  }

  private onDialogClosed(): void {
    const changed = this.dialog?.changed;
    this.dialog = undefined;
    if (changed) void this.reload();
  }

  private renderPlanBody(d: DialogState): TemplateResult {
    const t = this.t;
    const req = d.req;
    if (req.kind === "privacy_default")
      return html`<p>${req.on ? t("panel.privacy_default.preview_on") : t("panel.privacy_default.preview_off")}</p>`;
    const plan = d.plan;
    const putBack = req.kind === "off" || req.kind === "undo";
    if (!plan) return html`<p>${t("panel.plan.undo_no_preview")}</p>`;
    return html`
      ${plan.actions.length
        ? html`<p>${putBack ? t("panel.plan.put_back_intro") : t("panel.plan.intro")}</p>
            <ol class="actions" data-testid="plan-actions">
              ${plan.actions.map((a) => html`<li class="wrap">${bounded(a.message, 600)}</li>`)}
            </ol>`
        : html`<p data-testid="plan-nothing">${t("panel.plan.nothing")}</p>`}
      ${plan.irreversible && plan.actions.length
        ? html`<p class="warning wrap" role="alert" data-testid="plan-irreversible">${bounded(plan.irreversible.message, 600)}</p>`
        : nothing}
      ${plan.guidance.length
        ? html`<h3>${t("panel.plan.guidance")}</h3>
            <ul class="guidance">
              ${plan.guidance.map((g) => html`<li class="wrap"><strong>${bounded(g.title, 400)}</strong>: ${bounded(g.message, 800)}</li>`)}
            </ul>`
        : nothing}
    `;
  }

  private renderResult(d: DialogState): TemplateResult {
    const t = this.t;
    if (d.settings) {
      return html`<p data-testid="plan-result">${d.settings.privacy_default.on ? t("panel.privacy_default.now_on") : t("panel.privacy_default.now_off")}</p>`;
    }
    const r = d.result!;
    const changed = r.steps.filter((s) => s.outcome === "changed" || s.outcome === "reverted").length;
    const messages = r.plan.actions.length === r.steps.length ? r.plan.actions.map((a) => a.message) : [];
    return html`
      <p data-testid="plan-result" class=${r.ok ? "ok" : "error"}>
        ${r.ok ? t("panel.result.done", { count: changed }) : r.rolled_back ? t("panel.result.rolled_back", { message: bounded(r.error, 300) }) : t("panel.result.failed")}
      </p>
      <p>${t("panel.result.score", { score: r.score })}</p>
      ${r.steps.length
        ? html`<ul class="steps">
            ${r.steps.map(
              (s, i) => html`<li class="wrap"><span class="outcome outcome-${s.outcome}">${t(`panel.outcome.${s.outcome}`, undefined, s.outcome)}</span>
                ${messages[i] ? bounded(messages[i], 600) : `${s.target}`} ${s.error ? html`<span class="error">${bounded(s.error, 300)}</span>` : nothing}</li>`,
            )}
          </ul>`
        : nothing}
      ${r.ok && r.journal_id && undoable(r.plan) ? html`<p class="muted">${t("panel.result.undo_hint")}</p>` : nothing}
    `;
  }

  private renderDialog(): TemplateResult {
    const t = this.t;
    const d = this.dialog;
    const title =
      !d ? "" : d.req.kind === "privacy_default" ? t("panel.protection.privacy_default") : d.req.kind === "undo" || d.req.kind === "off" ? d.req.label : (d.plan?.title ?? d.result?.plan.title ?? t("panel.plan.title"));
    const canApply = d?.phase === "preview" && (d.req.kind === "privacy_default" || (d.plan ? d.plan.actions.length > 0 : d.req.kind === "undo"));
    const applyLabel = d?.req.kind === "undo" || d?.req.kind === "off" ? t("panel.plan.put_back") : d?.req.kind === "privacy_default" ? t("panel.plan.confirm") : t("panel.plan.apply");
    return html`<dialog id="plan-dialog" aria-labelledby="plan-title" @close=${this.onDialogClosed} @cancel=${(e: Event) => this.busy && e.preventDefault()}>
      ${d
        ? html`<h2 id="plan-title" class="wrap">${bounded(title, 300)}</h2>
            <div class="dialog-body" aria-live="polite">
              ${d.phase === "loading" ? html`<p class="muted">${t("panel.plan.loading")}</p>` : nothing}
              ${d.phase === "preview" || d.phase === "applying" ? this.renderPlanBody(d) : nothing}
              ${d.phase === "applying" ? html`<p class="muted">${t("panel.plan.applying")}</p>` : nothing}
              ${d.phase === "done" ? this.renderResult(d) : nothing}
              ${d.phase === "error" ? html`<p class="error" role="alert">${d.error}</p>` : nothing}
            </div>
            <div class="dialog-buttons">
              ${d.phase === "done" || d.phase === "error"
                ? html`${d.phase === "done" && d.result?.ok && d.result.journal_id && d.req.kind !== "undo" && undoable(d.result.plan)
                      ? html`<button data-testid="plan-undo" @click=${() => this.undoNow(d)}>${t("panel.history.undo")}</button>`
                      : nothing}
                    <button class="primary" data-testid="plan-close" @click=${this.closeDialog}>${t("panel.plan.close")}</button>`
                : html`<button data-testid="plan-cancel" ?disabled=${d.phase === "applying"} @click=${this.closeDialog}>${t("panel.plan.cancel")}</button>
                    ${canApply || d.phase === "applying"
                      ? html`<button class="primary" data-testid="plan-apply" ?disabled=${d.phase !== "preview"} @click=${this.confirm}>${applyLabel}</button>`
                      : nothing}`}
            </div>`
        : nothing}
    </dialog>`;
  }

  // ---- page ----

  private renderView(): TemplateResult {
    switch (this.tab) {
      case "overview":
        return renderOverview(this);
      case "protection":
        return renderProtection(this);
      case "notices":
        return this.notices.render();
      case "history":
        return renderHistory(this);
    }
  }

  protected override render(): TemplateResult {
    const t = this.t;
    return html`
      <header class="toolbar">
        ${this.narrow && !this.standalone
          ? html`<button class="menu" aria-label=${t("panel.menu")} @click=${() => this.dispatchEvent(new Event("hass-toggle-menu", { bubbles: true, composed: true }))}>
              <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" d="M3 6h18v2H3V6m0 5h18v2H3v-2m0 5h18v2H3v-2Z" /></svg>
            </button>`
          : nothing}
        <h1>${t("panel.title")}</h1>
        ${this.standalone
          ? html`<label class="lang">
              <span class="visually-hidden">${t("panel.language")}</span>
              <select data-testid="language" @change=${(e: Event) => (this.chosenLang = (e.target as HTMLSelectElement).value)}>
                ${SUPPORTED.map((l) => html`<option value=${l} ?selected=${l === this.language} lang=${l}>${LANGUAGE_NAMES[l]}</option>`)}
              </select>
            </label>`
          : nothing}
      </header>
      <nav class="tabs" role="tablist" aria-label=${t("panel.sections")} @keydown=${this.onTabKey}>
        ${TABS.map(
          (tab) => html`<button role="tab" id="tab-${tab}" aria-selected=${this.tab === tab ? "true" : "false"} aria-controls="view"
            tabindex=${this.tab === tab ? "0" : "-1"} @click=${() => this.selectTab(tab)}>${t(`panel.tab.${tab}`)}</button>`,
        )}
      </nav>
      <main id="view" role="tabpanel" aria-labelledby="tab-${this.tab}" lang=${this.language}>
        ${this.loadError
          ? html`<div class="card" role="alert"><p class="error">${this.loadError}</p><button @click=${() => this.reload()}>${t("panel.retry")}</button></div>`
          : this.renderView()}
      </main>
      <div class="visually-hidden" role="status" aria-live="polite">${this.announce}</div>
      ${this.renderDialog()}
    `;
  }

  static override styles = [
    theme,
    css`
      :host {
        display: block;
        min-height: 100%;
        background: var(--dg-bg);
      }
      .toolbar {
        display: flex;
        align-items: center;
        gap: 8px;
        height: var(--header-height, 56px);
        padding: 0 16px;
        background: var(--app-header-background-color, var(--dg-card));
        color: var(--app-header-text-color, var(--dg-text));
        border-bottom: 1px solid var(--app-header-border-bottom, var(--dg-divider));
      }
      .toolbar h1 {
        font-size: 20px;
        flex: 1;
      }
      .toolbar .menu {
        border: none;
        background: transparent;
        color: inherit;
        padding: 8px;
      }
      .lang select {
        font: inherit;
        min-height: 36px;
        border-radius: 8px;
        border: 1px solid var(--dg-divider);
        background: var(--dg-card);
        color: var(--dg-text);
      }
      .tabs {
        display: grid;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        max-width: 1000px;
        margin: 0 auto;
        padding: 8px 12px 0;
        gap: 4px;
      }
      .tabs [role="tab"] {
        border: none;
        border-bottom: 3px solid transparent;
        border-radius: 8px 8px 0 0;
        background: transparent;
        color: var(--dg-muted);
        padding: 8px 4px;
        overflow-wrap: anywhere;
      }
      .tabs [role="tab"][aria-selected="true"] {
        color: var(--dg-accent);
        border-bottom-color: var(--dg-accent);
        font-weight: 600;
      }
      main {
        max-width: 1000px;
        margin: 0 auto;
        padding: 12px;
        display: grid;
        gap: 12px;
      }
      .summary {
        display: flex;
        gap: 24px;
        flex-wrap: wrap;
        align-items: center;
      }
      .score {
        margin: 4px 0 0;
      }
      .score-num {
        font-size: 56px;
        font-weight: 600;
        line-height: 1;
      }
      .score-max {
        font-size: 20px;
        color: var(--dg-muted);
      }
      .score.ok {
        color: var(--dg-ok);
      }
      .summary-text {
        flex: 1 1 260px;
        min-width: 0;
      }
      .summary-text p {
        margin: 0 0 6px;
      }
      .counts {
        list-style: none;
        padding: 0;
        margin: 8px 0 0;
        display: flex;
        flex-wrap: wrap;
        gap: 6px 14px;
      }
      .section-title {
        font-size: 18px;
        margin-top: 8px;
      }
      .findings {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .finding {
        padding: 12px 0;
        border-top: 1px solid var(--dg-divider);
      }
      .finding:first-child {
        border-top: none;
      }
      .finding-head {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 8px;
        align-items: baseline;
      }
      .finding p {
        margin: 6px 0;
      }
      .why {
        color: var(--dg-text);
      }
      .clauses {
        font-size: 13px;
      }
      .remedy {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
        justify-content: space-between;
        background: var(--dg-highlight);
        border-radius: 8px;
        padding: 8px 12px;
      }
      .remedy p {
        flex: 1 1 220px;
        margin: 0;
      }
      .groups {
        list-style: none;
        padding: 0;
        margin: 8px 0 0;
      }
      ol.steps {
        counter-reset: step;
      }
      .group {
        padding: 12px 0;
        border-top: 1px solid var(--dg-divider);
      }
      .group:first-child {
        border-top: none;
      }
      .group.single > .findings > .finding {
        padding: 0;
      }
      .score-after {
        margin: 6px 0 0;
        font-size: 13px;
      }
      details.group-body > summary {
        cursor: pointer;
        padding: 4px 0;
      }
      details.group-body[open] > summary {
        margin-bottom: 6px;
      }
      details.accept > summary {
        cursor: pointer;
        margin-top: 6px;
        color: var(--dg-muted);
      }
      .accept-form {
        display: grid;
        gap: 8px;
        max-width: 520px;
        margin-top: 6px;
      }
      .accept-form label {
        display: grid;
        gap: 4px;
      }
      .accept-form textarea,
      .accept-form input {
        font: inherit;
        padding: 6px 8px;
        border: 1px solid var(--dg-divider);
        border-radius: 6px;
        background: var(--dg-card);
        color: var(--dg-text);
      }
      .accept-form .error:empty {
        display: none;
      }
      details.accepted > summary h2 {
        display: inline;
        font-size: 18px;
      }
      details.accepted > summary {
        cursor: pointer;
      }
      details.members > summary,
      details.by-area > summary {
        cursor: pointer;
        margin-top: 6px;
      }
      details.by-area > summary h2 {
        display: inline;
      }
      .toggle {
        display: inline-flex;
        gap: 8px;
        align-items: center;
        margin-top: 8px;
        min-height: 40px;
      }
      details.area > summary {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 12px;
        align-items: center;
        cursor: pointer;
        list-style: none;
      }
      details.area > summary::-webkit-details-marker {
        display: none;
      }
      details.area > summary::before {
        content: "▸";
        color: var(--dg-muted);
      }
      details.area[open] > summary::before {
        content: "▾";
      }
      details.area > summary h2 {
        font-size: 18px;
      }
      .device {
        margin-top: 12px;
        padding-top: 8px;
        border-top: 1px solid var(--dg-divider);
      }
      .device-head {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 12px;
        align-items: baseline;
      }
      .device-head h3 {
        font-size: 16px;
      }
      button.link {
        border: none;
        background: none;
        color: var(--dg-accent);
        text-decoration: underline;
        padding: 4px;
        min-height: 32px;
      }
      .not-run summary h2 {
        display: inline;
        font-size: 16px;
      }
      .level-help {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 4px 12px;
        margin: 8px 0 12px;
      }
      .level-help dd {
        margin: 0;
      }
      .level-row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
        justify-content: space-between;
        padding: 10px 0;
        border-top: 1px solid var(--dg-divider);
      }
      .level-label {
        display: grid;
        min-width: 0;
        flex: 1 1 200px;
      }
      .segmented {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .segmented button[aria-pressed="true"],
      .scenario[aria-pressed="true"] {
        background: var(--dg-accent);
        color: var(--dg-on-accent);
        border-color: var(--dg-accent);
      }
      .scenario[aria-pressed="true"] .muted {
        color: inherit;
      }
      .toggle-row {
        display: flex;
        gap: 12px;
        justify-content: space-between;
        align-items: center;
        padding: 10px 0;
        border-top: 1px solid var(--dg-divider);
      }
      .toggle-row h3 {
        font-size: 16px;
      }
      .toggle-row p {
        margin: 4px 0 0;
      }
      .switch {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        flex: none;
      }
      .switch .knob {
        width: 36px;
        height: 20px;
        border-radius: 10px;
        background: var(--dg-divider);
        position: relative;
      }
      .switch .knob::after {
        content: "";
        position: absolute;
        top: 2px;
        left: 2px;
        width: 16px;
        height: 16px;
        border-radius: 50%;
        background: var(--dg-card);
        transition: left 0.15s;
      }
      .switch[aria-checked="true"] .knob {
        background: var(--dg-accent);
      }
      .switch[aria-checked="true"] .knob::after {
        left: 18px;
      }
      .scenarios {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
        gap: 8px;
        margin-top: 8px;
      }
      .scenario {
        display: grid;
        gap: 4px;
        text-align: start;
        padding: 10px 12px;
      }
      .lines {
        padding-inline-start: 20px;
      }
      .lines li {
        margin: 4px 0;
      }
      .attention {
        border-inline-start: 4px solid var(--dg-accent);
        background: var(--dg-highlight);
      }
      section.attention {
        background: var(--dg-card);
      }
      .ack {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
      }
      .ack.ok {
        color: var(--dg-ok);
      }
      .device-notices {
        list-style: none;
        padding: 0;
        margin: 8px 0 0;
      }
      .device-notices > li {
        border-top: 1px solid var(--dg-divider);
        padding: 4px 8px;
      }
      .device-row {
        display: grid;
        width: 100%;
        text-align: start;
        gap: 2px;
        border: none;
        background: transparent;
        padding: 8px 0;
      }
      .notice-body {
        padding: 4px 0 12px;
      }
      .notice-body h3 {
        font-size: 16px;
      }
      .name-row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .name-row input {
        font: inherit;
        min-height: 40px;
        padding: 4px 8px;
        border-radius: 8px;
        border: 1px solid var(--dg-divider);
        background: var(--dg-card);
        color: var(--dg-text);
        flex: 1 1 200px;
        min-width: 0;
      }
      .journal {
        list-style: none;
        padding: 0;
        margin: 8px 0 0;
      }
      .journal li {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 12px;
        padding: 10px 0;
        border-top: 1px solid var(--dg-divider);
      }
      .audits {
        width: 100%;
        border-collapse: collapse;
        margin-top: 8px;
      }
      .audits th,
      .audits td {
        text-align: start;
        padding: 6px 8px;
        border-top: 1px solid var(--dg-divider);
      }
      dialog {
        width: min(640px, calc(100vw - 24px));
        max-height: calc(100vh - 48px);
        border: 1px solid var(--dg-divider);
        border-radius: var(--dg-radius);
        background: var(--dg-card);
        color: var(--dg-text);
        padding: 20px;
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.45);
      }
      dialog h2 {
        font-size: 19px;
        margin-bottom: 8px;
      }
      .actions li,
      .guidance li,
      .steps li {
        margin: 4px 0;
      }
      .steps {
        list-style: none;
        padding: 0;
      }
      .outcome {
        display: inline-block;
        min-width: 80px;
        font-size: 12px;
        font-weight: 600;
        color: var(--dg-muted);
      }
      .outcome-changed,
      .outcome-reverted {
        color: var(--dg-ok);
      }
      .outcome-failed {
        color: var(--dg-critical);
      }
      p.ok {
        color: var(--dg-ok);
        font-weight: 600;
      }
      .dialog-buttons {
        display: flex;
        justify-content: flex-end;
        flex-wrap: wrap;
        gap: 8px;
        margin-top: 16px;
      }
      @media (max-width: 600px) {
        .toolbar {
          padding: 0 8px;
        }
        main {
          padding: 8px;
        }
        .card {
          padding: 12px;
        }
        .tabs {
          padding: 4px 4px 0;
          font-size: 13px;
        }
        .score-num {
          font-size: 44px;
        }
        .level-help {
          grid-template-columns: 1fr;
        }
        .journal li {
          flex-wrap: wrap;
        }
      }
    `,
  ];
}
