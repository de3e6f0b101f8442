import { describe, expect, it } from "vitest";
import type { Finding, JournalEntry } from "../src/api";
import { makeLocalize } from "../src/i18n";
import { bounded, canUndo, compareFindings, describeJournal, findingKey, groupFindings, mostUrgent, parseSelectorText, severityRank } from "../src/model";
import { ackState, safeHttpsUrl } from "../src/views/notices";

function finding(p: Partial<Finding> & { rule: string; severity: Finding["severity"] }): Finding {
  return {
    clauses: ["7.1.2"],
    title: p.rule,
    why: "",
    subject: { kind: "device", id: p.device_id ?? "hub", name: "x" },
    remediation: { kind: "guidance", message: "" },
    ...p,
  } as Finding;
}

const audit = {
  areas: [
    { id: "hallway", name: "Hallway", kind: "normal" },
    { id: "kids_room", name: "Kids' room", kind: "kids" },
    { id: "empty", name: "Empty", kind: "normal" },
  ],
  devices: [
    { id: "lock", name: "Front Door Lock", type: "lock", tier: "critical", score: 45 },
    { id: "light", name: "Hall Light", type: "lighting", tier: "normal", score: 97 },
    { id: "cam", name: "Kids Cam", type: "camera", tier: "sensitive", score: 72 },
    { id: "plug", name: "Loose Plug", type: "plug", tier: "normal", score: 92 },
  ],
  findings: [
    finding({ rule: "DG-UPD-002", severity: "low", device_id: "light", area_id: "hallway", title: "b" }),
    finding({ rule: "DG-VOI-001", severity: "critical", device_id: "lock", area_id: "hallway", title: "voice" }),
    finding({ rule: "DG-UPD-001", severity: "high", device_id: "lock", area_id: "hallway", title: "update" }),
    finding({ rule: "DG-CAM-002", severity: "high", device_id: "cam", area_id: "kids_room" }),
    finding({ rule: "DG-NET-003", severity: "medium", device_id: "plug" }),
    finding({ rule: "DG-ACC-003", severity: "medium", subject: { kind: "user", id: "u1", name: "Alex" } }),
    finding({ rule: "DG-HUB-001", severity: "info", subject: { kind: "hub", id: "", name: "Maple Street" } }),
  ],
};

describe("grouping findings", () => {
  const groups = groupFindings(audit, { home: "The hub", none: "No room" });
  it("groups by area, most urgent area first, and leaves out areas without findings", () => {
    expect(groups.map((g) => g.name)).toEqual(["Hallway", "Kids' room", "The hub", "No room"]);
    expect(groups.map((g) => g.kind)).toEqual(["area", "area", "home", "none"]);
    expect(groups[0].worst).toBe("critical");
    expect(groups[0].count).toBe(3);
  });
  it("groups by device within an area, worst device first, findings by severity", () => {
    const hall = groups[0];
    expect(hall.devices.map((d) => d.name)).toEqual(["Front Door Lock", "Hall Light"]);
    expect(hall.devices[0].findings.map((f) => f.rule)).toEqual(["DG-VOI-001", "DG-UPD-001"]);
    expect(hall.devices[0]).toMatchObject({ deviceId: "lock", type: "lock", score: 45 });
  });
  it("puts the hub, users and integrations in one group, one entry per subject", () => {
    const home = groups.find((g) => g.kind === "home")!;
    expect(home.devices.map((d) => d.name)).toEqual(["Alex", "Maple Street"]);
    expect(home.devices.every((d) => d.deviceId === undefined)).toBe(true);
  });
  it("orders severities critical > high > medium > low > info", () => {
    expect(["info", "critical", "low", "high", "medium"].sort((a, b) => severityRank(b) - severityRank(a))).toEqual(["critical", "high", "medium", "low", "info"]);
    const sorted = [...audit.findings].sort(compareFindings).map((f) => f.severity);
    expect(sorted).toEqual(["critical", "high", "high", "medium", "medium", "low", "info"]);
  });
  it("picks the most urgent findings", () => {
    expect(mostUrgent(audit.findings, 2).map((f) => f.rule)).toEqual(["DG-VOI-001", "DG-CAM-002"]);
    expect(mostUrgent(audit.findings.filter((f) => f.severity === "low"))).toEqual([]);
  });
  it("keys a finding the way the API does", () => {
    expect(findingKey(audit.findings[1])).toBe("DG-VOI-001|device:lock");
  });
});

describe("journal entries in plain words", () => {
  const t = makeLocalize("en");
  const entry = (kind: string, selector: string, state: JournalEntry["state"] = "applied"): JournalEntry => ({ journal_id: 3, plan_id: "p", kind, selector, state, created_at: "" });
  it("reads selectors", () => {
    expect(parseSelectorText("level=recommended;category=voice_microphones")).toEqual({ level: "recommended", category: "voice_microphones" });
    expect(parseSelectorText("fix=DG-VOI-001|device:abc")).toEqual({ fix: "DG-VOI-001|device:abc" });
  });
  it("describes each kind", () => {
    expect(describeJournal(entry("level", "level=strict;category=cameras_video"), t)).toBe("Security level Strict: Cameras and video");
    expect(describeJournal(entry("level", "level=basic"), t)).toBe("Security level Basic for the whole home");
    expect(describeJournal(entry("child_safe", "child_safe=on"), t)).toBe("Child-safe mode on");
    expect(describeJournal(entry("scenario", "scenario=guests"), t)).toBe("Scenario: Guests");
    expect(describeJournal(entry("fix", "fix=DG-VOI-001|device:abc"), t)).toBe("Fix (DG-VOI-001)");
    expect(describeJournal(entry("undo", "undo=1"), t)).toBe("Undo of change 1");
  });
  it("offers undo only for applied plans that are not themselves undos", () => {
    expect(canUndo(entry("level", "level=basic"))).toBe(true);
    expect(canUndo(entry("level", "level=basic", "undone"))).toBe(false);
    expect(canUndo(entry("undo", "undo=1"))).toBe(false);
    expect(canUndo(entry("scenario", "scenario=home", "rolled_back"))).toBe(false);
    // A plan that only revoked a token has nothing an undo could put back.
    expect(canUndo({ ...entry("fix", "fix=DG-TOK-001|token:u/2025-01-01T00:00:00Z"), undoable: false })).toBe(false);
    expect(canUndo({ ...entry("fix", "fix=DG-VOI-001|device:abc"), undoable: true })).toBe(true);
  });
});

describe("notices", () => {
  it("marks new and changed notices", () => {
    expect(ackState({ needs_ack: true })).toBe("new");
    expect(ackState({ needs_ack: true, version: "old", user: "Alex" })).toBe("changed");
    expect(ackState({ needs_ack: false, version: "v", user: "Alex" })).toBe("ok");
  });
  it("links only plain https privacy policies", () => {
    expect(safeHttpsUrl("https://ring.com/privacy-notice")).toBe("https://ring.com/privacy-notice");
    expect(safeHttpsUrl("unknown")).toBeUndefined();
    expect(safeHttpsUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeHttpsUrl("http://example.com")).toBeUndefined();
    expect(safeHttpsUrl('https://x.example/"><img src=x>')).toBeUndefined();
  });
  it("bounds hub-supplied text", () => {
    expect(bounded("x".repeat(500), 10)).toHaveLength(10);
    expect(bounded(undefined)).toBe("");
    expect(bounded(42)).toBe("42");
  });
});

describe("notices loading", () => {
  it("drops device notices that arrive after the panel reloaded (e.g. in the language it left)", async () => {
    const { NoticesView } = await import("../src/views/notices");
    const pending: ((n: unknown) => void)[] = [];
    const host = {
      api: { deviceNotice: () => new Promise((r) => pending.push(r)) },
      t: (k: string) => k,
      requestUpdate: () => {},
    };
    const view = new NoticesView(host as never);
    const home = { devices: [{ device_id: "d1", name: "Cam", version: "v", senses: [], data_path: "local" }] };
    const loading = view.loadAll(home as never);
    const opening = view.show("d1");
    view.reset(); // the language changed: everything is asked again
    for (const r of pending) r({ device_id: "d1", title: "Datenschutzhinweis (de)" });
    await Promise.all([loading, opening]);
    expect(view.devices.has("d1")).toBe(false);
  });
});
