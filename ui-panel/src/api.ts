// Typed calls of the domoguard/* API (plugin/src/api/service.cpp). Every request carries the
// language the texts should come back in.
import type { Transport } from "./transport";

export type Severity = "critical" | "high" | "medium" | "low" | "info";

export interface Subject {
  kind: string;
  id: string;
  name: string;
}

export interface Finding {
  rule: string;
  clauses: string[];
  severity: Severity;
  title: string;
  why: string;
  subject: Subject;
  evidence?: Record<string, string>;
  remediation: { kind: "action" | "guidance"; message: string; actions?: { kind: string; target: string; after: string }[] };
  device_id?: string;
  area_id?: string;
}

export interface DeviceSummary {
  id: string;
  name: string;
  type: string;
  tier: string;
  score: number;
}

export interface Area {
  id: string;
  name: string;
  kind: string;
}

export interface SinceLast {
  previous_score: number | null;
  new: string[];
  resolved: string[];
}

/** One rule on one kind of subject (plugin/src/audit/triage): "16 devices do not install updates". */
export interface FindingGroup {
  id: string;
  rule: string;
  subject_kind: string;
  severity: Severity;
  count: number;
  title: string;
  fix: { kind: "action" | "guidance"; message: string; fixable: number };
  score_after: number;
  keys: string[];
  /** The selector of one plan for every member, where one exists. */
  plan?: string[];
}

export interface FirstStep {
  group: string;
  score_gain: number;
  score_after: number;
}

export interface Audit {
  hub: { id: string; name: string; version: string };
  // null when the hub's device and entity registries were missing or empty: nothing to score.
  score: number | null;
  scored?: boolean;
  unscored?: { parts: string[]; reason: string };
  summary: Partial<Record<Severity, number>>;
  rules_run: number;
  areas: Area[];
  devices: DeviceSummary[];
  findings: Finding[];
  not_run: { rule: string; reason: string }[];
  audited_at: string;
  since_last?: SinceLast;
  groups?: FindingGroup[];
  first_steps?: FirstStep[];
  first_screen?: { listed: string[]; items: number; hidden_groups: number; hidden_findings: number };
  /** Findings a person accepted as a risk until a date: shown apart, still counted in the score. */
  accepted?: AcceptedFinding[];
}

export interface AcceptedFinding {
  key: string;
  severity: Severity;
  title: string;
  reason?: string;
  by?: string;
  accepted_at?: string;
  until?: string;
}

export interface Status {
  ready: boolean;
  version: string;
  score?: number | null;   // null: nothing to score (see Audit.unscored)
  findings?: number;
  devices?: number;
  audited_at?: string;
  source?: string;
}

export interface PlanAction {
  kind: string;
  target: string;
  param: string;
  before: string;
  after: string;
  rule: string;
  /** false for a change no undo can take back (a revoked access token). */
  undoable?: boolean;
  message: string;
}

export interface Plan {
  id: string;
  kind: string;
  selector: string;
  title: string;
  actions: PlanAction[];
  guidance: { message: string; rule: string; title: string }[];
  /** Present when some actions cannot be undone: how many, and the warning to show before applying. */
  irreversible?: { count: number; message: string };
}

export interface StepResult {
  kind: string;
  target: string;
  param: string;
  before: string;
  after: string;
  outcome: "changed" | "unchanged" | "failed" | "reverted" | "skipped";
  error: string;
}

export interface ApplyResult {
  journal_id: number;         // 0 when nothing needed changing: nothing journalled, nothing to undo
  ok: boolean;
  rolled_back: boolean;
  failed_step: number;
  error: string;
  nothing_to_change?: boolean;
  recovered?: number[];       // plans interrupted earlier and rolled back first
  recovered_text?: string;    // "Rolled back plan N, interrupted earlier." in the request's language
  plan: Plan;
  steps: StepResult[];
  score: number;
}

export interface JournalEntry {
  journal_id: number;
  plan_id: string;
  kind: string;
  selector: string;
  state: "pending" | "applying" | "applied" | "failed" | "rolled_back" | "undone";
  created_at: string;
  /** false when nothing in it can be put back (a revoked access token). */
  undoable?: boolean;
}

export interface AuditRecord {
  id: number;
  created_at: string;
  score: number;
  findings: number;
}

export interface Settings {
  levels: { name: string; title: string; summary: string }[];
  categories: { name: string; title: string; level: string | null; journal_id: number | null }[];
  scenarios: { name: string; title: string; summary?: string }[];
  scenario: string | null;
  child_safe: { on: boolean; journal_id: number | null };
  privacy_default: { on: boolean };
}

/** A value that departs from a mode in force (domoguard/hold). */
export interface HoldItem {
  mode: string;
  target: string;
  entity_name: string;
  message: string;
  changed_by: string | null;
  at: string;
}

/** Modes that hold: which do, any pause, the last drift put back, what DomoGuard stopped fighting. */
export interface HoldStatus {
  modes: { mode: string; title: string; in_force: boolean; policy: "restore" | "notify"; paused_until: string | null; holding: boolean }[];
  drift: HoldItem[];
  last_restore: { mode: string; journal_id: number; ok: boolean; at: string; items: HoldItem[] } | null;
  fights: { mode: string; target: string; entity_name: string; attempts: number; since: string }[];
}

export interface Destination {
  kind: string;
  domain: string;
  vendor: string;
  service: string;
  privacy_policy: string;
  source: string;
}

export interface Acknowledgement {
  needs_ack: boolean;
  user?: string;
  at?: string;
  version?: string;
}

export interface NoticeLine {
  key: string;
  text: string;
}

export interface HomeNotice {
  title: string;
  version: string;
  devices: { device_id: string; name: string; version: string; senses: string[]; data_path: string; acknowledgement?: Acknowledgement }[];
  destinations: Destination[];
  lines: NoticeLine[];
  acknowledgement: Acknowledgement;
}

export interface DeviceNotice {
  device_id: string;
  name: string;
  area: string;
  type: string;
  title: string;
  version: string;
  senses: string[];
  data_path: string;
  destinations: Destination[];
  lines: NoticeLine[];
  acknowledgement: Acknowledgement;
}

export interface CatalogClause {
  id: string;
  group: string;
  title: string;
  summary: string;
  coverage: string;
}

/** A rule as the catalogue lists it; the panel uses why it has its usual severity (in the request's language). */
export interface CatalogRule {
  id: string;
  severity?: string;
  severity_reason?: string;
}

export interface Catalog {
  standard: string;
  clauses: CatalogClause[];
  rules?: CatalogRule[];
}

export class Api {
  constructor(
    readonly transport: Transport,
    public lang: string,
    public user: string | undefined = undefined,
  ) {}

  private call<T>(type: string, fields: Record<string, unknown> = {}): Promise<T> {
    return this.transport.call<T>({ type: `domoguard/${type}`, lang: this.lang, ...fields });
  }

  /**
   * Who is making a change, for the journal. Inside Home Assistant the integration adds the signed-in
   * user itself (and its command schemas refuse a "user" field), so it is sent to the daemon only.
   */
  private who(): Record<string, unknown> {
    return this.user && this.transport.kind === "daemon" ? { user: this.user } : {};
  }

  status() { return this.call<Status>("status"); }
  audit() { return this.call<Audit>("audit"); }
  catalog() { return this.call<Catalog>("catalog"); }
  settings() { return this.call<Settings>("settings"); }
  hold() { return this.call<HoldStatus>("hold"); }
  setPrivacyDefault(on: boolean) { return this.call<Settings>("settings/set", { privacy_default: on, ...this.who() }); }
  plan(selector: string[]) { return this.call<Plan>("plan", { selector }); }
  /** Accepts a finding or a group (RULE|kind:*) as a risk until a date ("" = in 90 days). */
  accept(key: string, reason: string, until: string, name?: string) {
    const who = this.transport.kind === "daemon" ? { user: name || this.user || "panel" } : {};
    return this.call<{ accepted: string[]; until: string }>("accept", { key, reason, ...(until ? { until } : {}), ...who });
  }
  withdrawAcceptance(key: string, name?: string) {
    const who = this.transport.kind === "daemon" ? { user: name || this.user || "panel" } : {};
    return this.call<{ withdrawn: number }>("accept/withdraw", { key, ...who });
  }
  planUndo(journalId: number) { return this.call<Plan>("plan", { journal_id: journalId }); }
  /**
   * planId: the id of the plan the person saw. The core applies only that plan: if the home changed
   * since the preview, so that the selector now gives another plan, it refuses (a "conflict").
   */
  apply(selector: string[], planId?: string) {
    return this.call<ApplyResult>("apply", { selector, plan_id: planId, ...this.who() });
  }
  undo(journalId: number) { return this.call<ApplyResult>("undo", { journal_id: journalId, ...this.who() }); }
  journal() { return this.call<JournalEntry[]>("journal"); }
  history(limit = 20) { return this.call<AuditRecord[]>("history", { limit }); }
  homeNotice() { return this.call<HomeNotice>("notice"); }
  deviceNotice(deviceId: string) { return this.call<DeviceNotice>("notice", { device_id: deviceId }); }
  acknowledge(deviceId: string | undefined, version: string, user?: string) {
    const who = this.transport.kind === "daemon" && user ? { user } : {};
    return this.call<HomeNotice | DeviceNotice>("notice/ack", { ...(deviceId ? { device_id: deviceId } : {}), version, ...who });
  }
}
