// Shared styles. Colours come from Home Assistant's theme variables, with fallbacks for the page
// domoguardd serves on its own (light, and dark when the browser prefers it).
import { css } from "lit";

export const theme = css`
  :host {
    --dg-bg: var(--primary-background-color, #f4f5f7);
    --dg-card: var(--ha-card-background, var(--card-background-color, #ffffff));
    --dg-text: var(--primary-text-color, #1c1f24);
    --dg-muted: var(--secondary-text-color, #555b66);
    --dg-divider: var(--divider-color, #d6d9de);
    --dg-accent: var(--primary-color, #03669e);
    --dg-on-accent: var(--text-primary-color, #ffffff);
    --dg-radius: var(--ha-card-border-radius, 12px);
    --dg-critical: var(--domoguard-critical-color, var(--error-color, #b3261e));
    --dg-high: var(--domoguard-high-color, #b34700);
    --dg-medium: var(--domoguard-medium-color, #7a5b00);
    --dg-low: var(--domoguard-low-color, #3a5f8f);
    --dg-info: var(--domoguard-info-color, #5a6270);
    --dg-ok: var(--domoguard-ok-color, var(--success-color, #1e7a34));
    --dg-highlight: var(--domoguard-highlight-color, rgba(3, 102, 158, 0.1));
    --dg-focus: var(--domoguard-focus-color, var(--primary-color, #03669e));
    color: var(--dg-text);
    font-family: var(--paper-font-body1_-_font-family, var(--ha-font-family-body, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif));
    font-size: 15px;
    line-height: 1.45;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --dg-bg: var(--primary-background-color, #111418);
      --dg-card: var(--ha-card-background, var(--card-background-color, #1c2026));
      --dg-text: var(--primary-text-color, #e8eaed);
      --dg-muted: var(--secondary-text-color, #aab1bb);
      --dg-divider: var(--divider-color, #3a3f47);
      --dg-accent: var(--primary-color, #5cb8f0);
      --dg-on-accent: var(--text-primary-color, #0b1620);
      --dg-critical: var(--domoguard-critical-color, var(--error-color, #ff8a80));
      --dg-high: var(--domoguard-high-color, #ffab70);
      --dg-medium: var(--domoguard-medium-color, #f2cc60);
      --dg-low: var(--domoguard-low-color, #9cc3ff);
      --dg-info: var(--domoguard-info-color, #b4bcc8);
      --dg-ok: var(--domoguard-ok-color, var(--success-color, #7bd88f));
      --dg-highlight: var(--domoguard-highlight-color, rgba(92, 184, 240, 0.14));
      --dg-focus: var(--domoguard-focus-color, var(--primary-color, #5cb8f0));
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1, h2, h3, h4 {
    margin: 0;
    font-weight: 500;
    line-height: 1.25;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 8px;
    min-height: 40px;
    padding: 6px 14px;
    border: 1px solid var(--dg-divider);
    background: var(--dg-card);
    color: var(--dg-text);
  }
  button.primary {
    background: var(--dg-accent);
    color: var(--dg-on-accent);
    border-color: var(--dg-accent);
    font-weight: 500;
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  p.warning {
    border-left: 4px solid var(--dg-critical);
    padding: 6px 10px;
    font-weight: 500;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  summary:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid var(--dg-focus);
    outline-offset: 2px;
  }
  a {
    color: var(--dg-accent);
  }
  .card {
    background: var(--dg-card);
    border-radius: var(--dg-radius);
    border: 1px solid var(--dg-divider);
    padding: 16px;
    min-width: 0;
  }
  .muted {
    color: var(--dg-muted);
  }
  .chip {
    display: inline-block;
    border-radius: 999px;
    padding: 1px 10px;
    font-size: 12px;
    font-weight: 600;
    letter-spacing: 0.02em;
    border: 1.5px solid currentColor;
    white-space: nowrap;
  }
  .sev-critical { color: var(--dg-critical); }
  .sev-high { color: var(--dg-high); }
  .sev-medium { color: var(--dg-medium); }
  .sev-low { color: var(--dg-low); }
  .sev-info { color: var(--dg-info); }
  .badge-new {
    display: inline-block;
    background: var(--dg-accent);
    color: var(--dg-on-accent);
    border-radius: 6px;
    padding: 0 8px;
    font-size: 12px;
    font-weight: 600;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .wrap {
    overflow-wrap: anywhere;
  }
  .error {
    color: var(--dg-critical);
  }
`;
