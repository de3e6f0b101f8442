// Overview: the home's score, what changed since the last audit, the most urgent findings, and
// every finding grouped by area and device. Names and texts from the hub are bound as text only.
import { html, nothing, type TemplateResult } from "lit";
import type { Audit, Finding } from "../api";
import type { ViewHost } from "../host";
import { bounded, findingKey, groupFindings, mostUrgent, SEVERITIES, type AreaGroup, type DeviceGroup } from "../model";

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
  const groups = groupFindings(audit, { home: t("panel.area.home"), none: t("panel.area.none") });
  const urgent = mostUrgent(audit.findings);
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
    ${urgent.length
      ? html`<section class="card urgent" aria-labelledby="urgent-heading">
          <h2 id="urgent-heading">${t("panel.overview.urgent")}</h2>
          <ul class="findings">${urgent.map((f) => findingItem(host, f, fresh.has(findingKey(f)), true))}</ul>
        </section>`
      : html`<section class="card"><p>${t("panel.overview.nothing_urgent")}</p></section>`}
    <h2 class="section-title">${t("panel.overview.by_area")}</h2>
    ${groups.length ? groups.map((a) => areaBlock(host, a, fresh)) : html`<p>${t("panel.overview.no_findings")}</p>`}
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
