// History: plans applied and undone (with undo), and past audits with their scores.
import { html, type TemplateResult } from "lit";
import type { ViewHost } from "../host";
import { canUndo, describeJournal } from "../model";

export function renderHistory(host: ViewHost): TemplateResult {
  const t = host.t;
  const journal = host.data.journal;
  const audits = host.data.history;
  return html`
    <section class="card" aria-labelledby="plans-heading">
      <h2 id="plans-heading">${t("panel.history.plans")}</h2>
      ${host.data.journalError
        ? html`<p role="alert">${host.data.journalError}</p>`
        : !journal
        ? html`<p class="muted">${t("panel.loading")}</p>`
        : journal.length === 0
          ? html`<p class="muted">${t("panel.history.no_plans")}</p>`
          : html`<ul class="journal">
              ${journal.map((e) => {
                const label = describeJournal(e, t, host.data.settings);
                return html`<li data-journal=${e.journal_id} data-state=${e.state}>
                  <div>
                    <strong>${label}</strong>
                    <div class="muted">${host.formatTime(e.created_at)} · ${t(`panel.state.${e.state}`, undefined, e.state)}</div>
                  </div>
                  ${canUndo(e)
                    ? html`<button ?disabled=${host.busy} @click=${() => host.propose({ kind: "undo", journalId: e.journal_id, label: t("panel.plan.undo_title", { title: label }) })}>
                        ${t("panel.history.undo")}<span class="visually-hidden">: ${label}</span>
                      </button>`
                    : ""}
                </li>`;
              })}
            </ul>`}
    </section>
    <section class="card" aria-labelledby="audits-heading">
      <h2 id="audits-heading">${t("panel.history.audits")}</h2>
      ${host.data.historyError
        ? html`<p role="alert">${host.data.historyError}</p>`
        : !audits
        ? html`<p class="muted">${t("panel.loading")}</p>`
        : audits.length === 0
          ? html`<p class="muted">${t("panel.history.no_audits")}</p>`
          : html`<table class="audits">
              <thead>
                <tr><th scope="col">${t("panel.history.when")}</th><th scope="col">${t("panel.history.score")}</th><th scope="col">${t("panel.history.findings")}</th></tr>
              </thead>
              <tbody>
                ${audits.map((a) => html`<tr><td>${host.formatTime(a.created_at)}</td><td>${a.score}</td><td>${a.findings}</td></tr>`)}
              </tbody>
            </table>`}
    </section>
  `;
}
