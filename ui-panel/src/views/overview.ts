// Overview: the home's score, what changed since the last audit, the few steps to take first, the
// other findings folded by rule (one rule on many devices is one item), and, collapsed, every
// finding by room and device. Names and texts from the hub are bound as text only.
import { html, nothing, type TemplateResult } from "lit";
import type { Audit, Finding, FindingGroup } from "../api";
import type { ViewHost } from "../host";
import { bounded, findingKey, groupFindings, SEVERITIES, type AreaGroup, type DeviceGroup } from "../model";

/** Whether the household asked to see every group, information included (per panel, not stored). */
const showAll = new WeakMap<ViewHost, boolean>();

export function scoreClass(score: number): string {
  return score < 50 ? "sev-critical" : score < 75 ? "sev-medium" : "ok";
}

function sinceLast(host: ViewHost, audit: Audit): TemplateResult | typeof nothing {
  const t = host.t;
  const s = audit.since_last;
  if (!s || audit.score === null) return nothing;
  if (s.previous_score === null || s.previous_score === undefined)
    return html`<p class="since" data-testid="since-last">${t("panel.overview.first_audit")}</p>`;
  const delta = audit.score - s.previous_score;
  const trend = delta > 0 ? t("panel.overview.score_up", { delta }) : delta < 0 ? t("panel.overview.score_down", { delta: -delta }) : t("panel.overview.score_same");
  return html`<p class="since" data-testid="since-last">
    ${t("panel.overview.since_last", { previous: s.previous_score, score: audit.score })} ${trend}
    ${t("panel.overview.new_resolved", { new: s.new.length, resolved: s.resolved.length })}
  </p>`;
}

export function severityChip(host: ViewHost, severity: string): TemplateResult {
  return html`<span class="chip sev-${severity}">${host.t(`severity.${severity}`, undefined, severity)}</span>`;
}

/**
 * Why a finding has its severity, from the catalogue's reviewed reasons: label and reason both in the
 * panel's language (the catalogue is asked for in that language).
 */
function severityWhy(host: ViewHost, rule: string, severity: string): TemplateResult | typeof nothing {
  const reason = host.severityReason(rule);
  if (!reason) return nothing;
  const label = host.t("panel.finding.severity_why", { severity: host.t(`severity.${severity}`, undefined, severity) });
  return html`<p class="severity-why muted" data-testid="severity-reason">
    ${label} <span>${bounded(reason, 600)}</span>
  </p>`;
}

function findingItem(host: ViewHost, f: Finding, isNew: boolean, showSubject = false): TemplateResult {
  const t = host.t;
  const clauses = f.clauses.map((c) => ({ id: c, title: host.clauseTitle(c) }));
  return html`<li class="finding" data-rule=${f.rule} data-key=${findingKey(f)}>
    <div class="finding-head">
      ${severityChip(host, f.severity)} ${isNew ? html`<span class="badge-new">${t("panel.badge.new")}</span>` : nothing}
      <strong class="wrap">${bounded(f.title, 400)}</strong>
    </div>
    ${showSubject ? html`<div class="muted wrap">${bounded(f.subject.name)}</div>` : nothing}
    <p class="why">${bounded(f.why, 1200)}</p>
    ${severityWhy(host, f.rule, f.severity)}
    <p class="clauses muted">
      ${t("panel.finding.serves")}
      ${clauses.map(
        (c, i) => html`${i ? "; " : ""}<span class="clause"
            >${/^[A-Z]$/.test(c.id)
              ? t("panel.finding.annex", { id: c.id, title: c.title })
              : c.title
                ? t("panel.finding.clause", { id: c.id, title: c.title })
                : t("panel.finding.clause_id", { id: c.id })}</span
          >`,
      )}
    </p>
    <div class="remedy">
      <p class="wrap">${bounded(f.remediation.message, 1200)}</p>
      ${f.remediation.kind === "action"
        ? html`<button class="primary" ?disabled=${host.busy} @click=${() => host.propose({ kind: "plan", selector: ["--fix", findingKey(f)] })}>
            ${t("panel.finding.fix")}<span class="visually-hidden">: ${bounded(f.title, 400)}</span>
          </button>`
        : html`<span class="muted">${t("panel.finding.guidance_only")}</span>`}
    </div>
  </li>`;
}

function clausesLine(host: ViewHost, f: Finding): TemplateResult {
  const t = host.t;
  const clauses = f.clauses.map((c) => ({ id: c, title: host.clauseTitle(c) }));
  return html`<p class="clauses muted">
    ${t("panel.finding.serves")}
    ${clauses.map(
      (c, i) => html`${i ? "; " : ""}<span class="clause"
          >${/^[A-Z]$/.test(c.id)
            ? t("panel.finding.annex", { id: c.id, title: c.title })
            : c.title
              ? t("panel.finding.clause", { id: c.id, title: c.title })
              : t("panel.finding.clause_id", { id: c.id })}</span
        >`,
    )}
  </p>`;
}

/** "Accept the risk": a reason, the last day it holds (default 90 days, at most a year), and who decides. */
function acceptForm(host: ViewHost, g: FindingGroup): TemplateResult {
  const t = host.t;
  const today = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const max = new Date(today.getTime() + 365 * 86400000);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const out = form.querySelector<HTMLElement>("[data-testid=accept-error]");
    const error = await host.acceptRisk(g.id, String(data.get("reason") ?? ""), String(data.get("until") ?? ""), String(data.get("name") ?? "") || undefined);
    if (out) out.textContent = error;
  };
  return html`<details class="accept">
    <summary>${t("panel.accept.open")}</summary>
    <form class="accept-form" data-testid="accept-form" @submit=${submit}>
      <p class="muted">${t("panel.accept.explain")}</p>
      <label>${t("panel.accept.reason")}<textarea name="reason" required maxlength="500" rows="2"></textarea></label>
      <label>${t("panel.accept.until")}<input type="date" name="until" min=${iso(today)} max=${iso(max)} /></label>
      ${host.standalone ? html`<label>${t("panel.accept.name")}<input name="name" maxlength="100" autocomplete="name" /></label>` : nothing}
      <button class="primary" type="submit" ?disabled=${host.busy}>${t("panel.accept.submit")}</button>
      <p class="error" role="alert" data-testid="accept-error"></p>
    </form>
  </details>`;
}

/** Accepted risks, apart: what, why, who, until when; each can be withdrawn. */
function acceptedSection(host: ViewHost, audit: Audit): TemplateResult | typeof nothing {
  const t = host.t;
  const list = audit.accepted ?? [];
  if (!list.length) return nothing;
  return html`<details class="card accepted" data-testid="accepted">
    <summary><h2>${t("panel.accept.heading", { count: list.length })}</h2></summary>
    <p class="muted">${t("panel.accept.still_counted")}</p>
    <ul class="findings">
      ${list.map(
        (a) => html`<li class="finding" data-key=${a.key}>
          <div class="finding-head">${severityChip(host, a.severity)} <strong class="wrap">${bounded(a.title, 400)}</strong></div>
          <p class="muted wrap">${t("panel.accept.item", { by: bounded(a.by ?? "", 100), until: a.until ?? "", reason: bounded(a.reason ?? "", 500) })}</p>
          <button ?disabled=${host.busy} @click=${() => void host.acceptRisk(a.key, undefined)}>${t("panel.accept.withdraw")}</button>
        </li>`,
      )}
    </ul>
  </details>`;
}

/** A group's content: why, one fix for all, its members folded underneath (a group of one is its finding). */
function groupBody(host: ViewHost, g: FindingGroup, members: Finding[], fresh: Set<string>): TemplateResult {
  const t = host.t;
  if (members.length === 1)
    return html`<ul class="findings">${findingItem(host, members[0], fresh.has(g.keys[0]), true)}</ul>${acceptForm(host, g)}`;
  const first = members[0];
  return html`<div class="finding">
    ${first ? html`<p class="why">${bounded(first.why, 1200)}</p>${severityWhy(host, g.rule, g.severity)}${clausesLine(host, first)}` : nothing}
    <div class="remedy">
      <p class="wrap">${bounded(g.fix.message, 1200)}</p>
      ${g.plan
        ? html`<button class="primary" ?disabled=${host.busy} @click=${() => host.propose({ kind: "plan", selector: g.plan! })}>
            ${t("panel.group.fix_all")}<span class="visually-hidden">: ${bounded(g.title, 400)}</span>
          </button>`
        : html`<span class="muted">${t("panel.finding.guidance_only")}</span>`}
    </div>
    <details class="members">
      <summary>${t("panel.group.members", { count: g.count })}</summary>
      <ul class="findings">${members.map((f) => findingItem(host, f, fresh.has(findingKey(f)), true))}</ul>
    </details>
    ${acceptForm(host, g)}
  </div>`;
}

/** A first step: open, with its fix and the score after it. */
function stepItem(host: ViewHost, g: FindingGroup, byKey: Map<string, Finding>, fresh: Set<string>, scoreAfter: number): TemplateResult {
  const t = host.t;
  const members = g.keys.map((k) => byKey.get(k)).filter((f): f is Finding => !!f);
  return html`<li class="group step" data-group=${g.id} data-rule=${g.rule} data-severity=${g.severity}>
    ${members.length > 1
      ? html`<div class="finding-head">${severityChip(host, g.severity)} <strong class="wrap">${bounded(g.title, 400)}</strong></div>`
      : nothing}
    ${groupBody(host, g, members, fresh)}
    <p class="score-after muted" data-testid="score-after">${t("panel.overview.score_after", { score: scoreAfter })}</p>
  </li>`;
}

/** Any other group: one line (severity, title, how many) that opens to its content. */
function groupItem(host: ViewHost, g: FindingGroup, byKey: Map<string, Finding>, fresh: Set<string>): TemplateResult {
  const t = host.t;
  const members = g.keys.map((k) => byKey.get(k)).filter((f): f is Finding => !!f);
  const isNew = g.keys.some((k) => fresh.has(k));
  return html`<li class="group" data-group=${g.id} data-rule=${g.rule} data-severity=${g.severity}>
    <details class="group-body">
      <summary class="finding-head">
        ${severityChip(host, g.severity)} ${isNew ? html`<span class="badge-new">${t("panel.badge.new")}</span>` : nothing}
        <strong class="wrap">${bounded(g.title, 400)}</strong>
        ${g.count > 1 ? html`<span class="muted">${t("panel.group.count", { count: g.count })}</span>` : nothing}
      </summary>
      ${groupBody(host, g, members, fresh)}
    </details>
  </li>`;
}

function deviceBlock(host: ViewHost, d: DeviceGroup, fresh: Set<string>): TemplateResult {
  const t = host.t;
  return html`<article class="device" data-device=${d.deviceId ?? ""}>
    <header class="device-head">
      <h3 class="wrap">${bounded(d.name)}</h3>
      <span class="muted">
        ${d.type ? t(`device_type.${d.type}`, undefined, d.type) : nothing}
        ${d.score !== undefined ? html` · ${t("panel.device.score", { score: d.score })}` : nothing}
      </span>
      ${d.deviceId
        ? html`<button class="link" @click=${() => host.showNotice(d.deviceId!)}>
            ${t("panel.device.notice")}<span class="visually-hidden">: ${bounded(d.name)}</span>
          </button>`
        : nothing}
    </header>
    <ul class="findings">
      ${d.findings.map((f) => findingItem(host, f, fresh.has(findingKey(f))))}
    </ul>
  </article>`;
}

function areaBlock(host: ViewHost, a: AreaGroup, fresh: Set<string>): TemplateResult {
  const t = host.t;
  const open = a.worst === "critical" || a.worst === "high" || a.devices.some((d) => d.findings.some((f) => fresh.has(findingKey(f))));
  return html`<details class="area card" ?open=${open} data-area=${a.id}>
    <summary>
      <h2 class="wrap">${bounded(a.name)}</h2>
      ${severityChip(host, a.worst)}
      <span class="muted">${t("panel.area.count", { count: a.count })}</span>
    </summary>
    ${a.devices.map((d) => deviceBlock(host, d, fresh))}
  </details>`;
}

export function renderOverview(host: ViewHost): TemplateResult {
  const t = host.t;
  const audit = host.data.audit;
  if (!audit) return html`<p class="muted">${t("panel.loading")}</p>`;
  const fresh = new Set(audit.since_last?.new ?? []);
  const areas = groupFindings(audit, { home: t("panel.area.home"), none: t("panel.area.none") });
  const byKey = new Map(audit.findings.map((f) => [findingKey(f), f] as const));
  const groups = audit.groups ?? [];
  const byId = new Map(groups.map((g) => [g.id, g] as const));
  const steps = (audit.first_steps ?? []).filter((s) => byId.has(s.group));
  const inSteps = new Set(steps.map((s) => s.group));
  const all = showAll.get(host) ?? false;
  const listed = all
    ? groups.filter((g) => !inSteps.has(g.id))
    : (audit.first_screen?.listed ?? []).map((id) => byId.get(id)).filter((g): g is FindingGroup => !!g);
  const hidden = audit.first_screen;
  return html`
    <section class="card summary" aria-labelledby="score-heading">
      <div class="score-box">
        <h2 id="score-heading">${t("panel.overview.score")}</h2>
        ${audit.score === null
          ? html`<p class="score sev-medium" data-testid="score">${audit.unscored?.reason ?? "–"}</p>`
          : html`<p class="score ${scoreClass(audit.score)}" data-testid="score">
              <span class="score-num">${audit.score}</span><span class="score-max">/100</span>
            </p>`}
      </div>
      <div class="summary-text">
        <p class="wrap"><strong>${bounded(audit.hub.name)}</strong>
          <span class="muted">${t("panel.overview.audited", { time: host.formatTime(audit.audited_at) })}</span></p>
        ${sinceLast(host, audit)}
        <ul class="counts" aria-label=${t("panel.overview.counts")}>
          ${SEVERITIES.filter((s) => (audit.summary[s] ?? 0) > 0).map(
            (s) => html`<li>${severityChip(host, s)} <span>${audit.summary[s]}</span></li>`,
          )}
        </ul>
      </div>
    </section>
    ${steps.length
      ? html`<section class="card urgent first-steps" aria-labelledby="urgent-heading">
          <h2 id="urgent-heading">${t("panel.overview.first_steps")}</h2>
          <p class="muted">${t("panel.overview.first_steps_intro")}</p>
          <ol class="groups steps">${steps.map((s) => stepItem(host, byId.get(s.group)!, byKey, fresh, s.score_after))}</ol>
        </section>`
      : html`<section class="card"><p>${audit.findings.length ? t("panel.overview.nothing_urgent") : t("panel.overview.no_findings")}</p></section>`}
    ${listed.length || (hidden && hidden.hidden_groups)
      ? html`<section class="card others" aria-labelledby="others-heading">
          <h2 id="others-heading">${t("panel.overview.others")}</h2>
          <ul class="groups">${listed.map((g) => groupItem(host, g, byKey, fresh))}</ul>
          ${!all && hidden && hidden.hidden_groups
            ? html`<p class="muted" data-testid="hidden-count">
                ${t("panel.overview.hidden", { groups: hidden.hidden_groups, findings: hidden.hidden_findings })}</p>`
            : nothing}
          <label class="toggle"><input type="checkbox" data-testid="show-all" .checked=${all}
            @change=${(e: Event) => { showAll.set(host, (e.target as HTMLInputElement).checked); host.requestUpdate(); }} />
            ${t("panel.overview.show_all")}</label>
        </section>`
      : nothing}
    ${acceptedSection(host, audit)}
    ${areas.length
      ? html`<details class="card by-area">
          <summary><h2 class="section-title">${t("panel.overview.by_area")}</h2></summary>
          ${areas.map((a) => areaBlock(host, a, fresh))}
        </details>`
      : nothing}
    ${audit.not_run.length
      ? html`<details class="card not-run">
          <summary><h2>${t("panel.overview.not_run", { count: audit.not_run.length })}</h2></summary>
          <ul>
            ${audit.not_run.map((n) => html`<li><strong>${n.rule}</strong>: ${bounded(n.reason, 600)}</li>`)}
          </ul>
        </details>`
      : nothing}
  `;
}
