// What the views need from the panel that hosts them.
import type { Api, Audit, AuditRecord, Catalog, HoldStatus, HomeNotice, JournalEntry, Settings } from "./api";
import type { Localize } from "./i18n";

/** A change the household is about to make: previewed first, applied only when confirmed. */
export type ChangeRequest =
  | { kind: "plan"; selector: string[] }
  | { kind: "off"; selector: string[]; label: string }
  | { kind: "undo"; journalId: number; label: string }
  | { kind: "privacy_default"; on: boolean };

export interface PanelData {
  audit?: Audit;
  settings?: Settings;
  settingsMissing?: boolean;
  /** Modes that hold (absent from a DomoGuard without domoguard/hold). */
  hold?: HoldStatus;
  journal?: JournalEntry[];
  history?: AuditRecord[];
  /** Why the journal or the audit history could not be read (shown instead of "nothing yet"). */
  journalError?: string;
  historyError?: string;
  homeNotice?: HomeNotice;
  catalog?: Catalog;
}

export interface ViewHost {
  readonly api: Api;
  readonly t: Localize;
  readonly language: string;
  readonly narrow: boolean;
  readonly standalone: boolean;
  readonly data: PanelData;
  readonly busy: boolean;
  /** Opens the preview of a change; applying it reloads the data. */
  propose(req: ChangeRequest): void;
  /** Accepts a risk (or withdraws one when reason is undefined) and reloads; resolves to an error text or "". */
  acceptRisk(key: string, reason: string | undefined, until?: string, name?: string): Promise<string>;
  /** Shows a device's privacy notice (the notices view). */
  showNotice(deviceId: string): void;
  /** Re-renders the panel after a view changed its own state. */
  requestUpdate(): void;
  clauseTitle(id: string): string;
  /** Why the rule has its usual severity (the catalogue's reviewed reason, in the panel's language), or "". */
  severityReason(rule: string): string;
  formatTime(iso: string | undefined): string;
}
