// Pure logic the views share: finding keys, severity order, grouping of findings by area and
// device, and plain-words labels for journal entries. No DOM here, so it is unit-tested directly.
import type { Audit, Finding, JournalEntry, Settings, Severity } from "./api";
import type { Localize } from "./i18n";

export const SEVERITIES: Severity[] = ["critical", "high", "medium", "low", "info"];

export function severityRank(s: Severity | string): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? 0 : SEVERITIES.length - i; // critical 5 … info 1, unknown 0
}

/** The key the API uses for a finding (plan --fix KEY, since_last.new/resolved). */
export function findingKey(f: Pick<Finding, "rule" | "subject">): string {
  return `${f.rule}|${f.subject.kind}:${f.subject.id}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.title.localeCompare(b.title) || findingKey(a).localeCompare(findingKey(b));
}

export interface DeviceGroup {
  /** The device id, or "subject:<kind>:<id>" for a finding about the hub, a user, an integration… */
  id: string;
  name: string;
  deviceId?: string;
  type?: string;
  score?: number;
  worst: Severity;
  findings: Finding[];
}

export interface AreaGroup {
  /** The area id; "" for the hub and the home as a whole; "-" for devices in no area. */
  id: string;
  name: string;
  kind: "home" | "area" | "none";
  worst: Severity;
  count: number;
  devices: DeviceGroup[];
}

const worstOf = (fs: Finding[]): Severity =>
  fs.reduce<Severity>((w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w), "info");

function byUrgency<T extends { worst: Severity; name: string; findings?: Finding[]; count?: number }>(a: T, b: T): number {
  const n = (x: T) => x.count ?? x.findings?.length ?? 0;
  return severityRank(b.worst) - severityRank(a.worst) || n(b) - n(a) || a.name.localeCompare(b.name);
}

/**
 * Findings grouped by area, then device (or subject), most urgent first. Findings about the hub,
 * accounts, integrations or automations form the "home" group; devices with no area the "none" group.
 * `names` gives the labels of those two groups.
 */
export function groupFindings(audit: Pick<Audit, "areas" | "devices" | "findings">, names: { home: string; none: string }): AreaGroup[] {
  const areaName = new Map(audit.areas.map((a) => [a.id, a.name]));
  const devices = new Map(audit.devices.map((d) => [d.id, d]));
  const areas = new Map<string, { id: string; name: string; kind: AreaGroup["kind"]; devs: Map<string, DeviceGroup> }>();
  for (const f of audit.findings) {
    let areaId: string;
    let kind: AreaGroup["kind"];
    if (f.device_id) {
      areaId = f.area_id || "-";
      kind = areaId === "-" ? "none" : "area";
    } else {
      areaId = "";
      kind = "home";
    }
    let area = areas.get(areaId);
    if (!area) {
      const name = kind === "home" ? names.home : kind === "none" ? names.none : (areaName.get(areaId) ?? areaId);
      area = { id: areaId, name, kind, devs: new Map() };
      areas.set(areaId, area);
    }
    const groupId = f.device_id ? f.device_id : `subject:${f.subject.kind}:${f.subject.id}`;
    let g = area.devs.get(groupId);
    if (!g) {
      const d = f.device_id ? devices.get(f.device_id) : undefined;
      g = {
        id: groupId,
        name: d?.name ?? f.subject.name ?? "",
        deviceId: f.device_id || undefined,
        type: d?.type,
        score: d?.score,
        worst: "info",
        findings: [],
      };
      area.devs.set(groupId, g);
    }
    g.findings.push(f);
  }
  const out: AreaGroup[] = [];
  for (const a of areas.values()) {
    const devs = [...a.devs.values()];
    for (const d of devs) {
      d.findings.sort(compareFindings);
      d.worst = worstOf(d.findings);
    }
    devs.sort(byUrgency);
    const all = devs.flatMap((d) => d.findings);
    out.push({ id: a.id, name: a.name, kind: a.kind, worst: worstOf(all), count: all.length, devices: devs });
  }
  return out.sort(byUrgency);
}

/** The most urgent findings (critical and high), at most `limit`. */
export function mostUrgent(findings: Finding[], limit = 3): Finding[] {
  return findings.filter((f) => severityRank(f.severity) >= severityRank("high")).sort(compareFindings).slice(0, limit);
}

/** "level=recommended;category=voice_microphones" → {level: "recommended", category: "voice_microphones"} */
export function parseSelectorText(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of selector.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** A journal entry in plain words, e.g. "Security level Recommended: Cameras and video". */
export function describeJournal(e: JournalEntry, t: Localize, settings?: Settings): string {
  const s = parseSelectorText(e.selector);
  const levelTitle = (n: string) => settings?.levels.find((l) => l.name === n)?.title ?? t(`level.${n}.title`, undefined, n);
  const catTitle = (n: string) => settings?.categories.find((c) => c.name === n)?.title ?? t(`category.${n}.title`, undefined, n);
  const scenarioTitle = (n: string) => settings?.scenarios.find((c) => c.name === n)?.title ?? t(`scenario.${n}.title`, undefined, n);
  switch (e.kind) {
    case "level":
      return s.category
        ? t("panel.journal.level", { level: levelTitle(s.level ?? ""), category: catTitle(s.category) })
        : t("panel.journal.level_all", { level: levelTitle(s.level ?? "") });
    case "child_safe":
      return t(s.child_safe === "off" ? "panel.journal.child_safe_off" : "panel.journal.child_safe_on");
    case "scenario":
      return t("panel.journal.scenario", { scenario: scenarioTitle(s.scenario ?? "") });
    case "privacy_default":
      return t("panel.journal.privacy_default");
    case "fix":
      return t("panel.journal.fix", { rule: (s.fix ?? "").split("|")[0] });
    case "undo":
      return t("panel.journal.undo", { id: s.undo ?? "" });
    case "profile":
      return t("panel.journal.profile");
    default:
      return e.kind;
  }
}

/** True when a journal entry's changes can still be put back from the history. */
export function canUndo(e: JournalEntry): boolean {
  return e.state === "applied" && e.kind !== "undo" && e.undoable !== false;
}

/** Keeps a string to at most `max` characters (device names are hub data: bounded before display). */
export function bounded(text: unknown, max = 200): string {
  const s = typeof text === "string" ? text : text == null ? "" : String(text);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}
