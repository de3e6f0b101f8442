// Renders the demo HTML report in headless Chromium from a file:// URL and checks what a reader
// sees: the clause-by-clause coverage table with one row per clause, and no script at all
// (the report is static; a script running would mean a hub-supplied name escaped into markup).
// Usage: node render_report.mjs REPORT.html SCREENSHOT.png [EXPECTED_ROWS]
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [html, shot, expectedRows = '53'] = process.argv.slice(2);
if (!html || !shot) {
  console.error('usage: node render_report.mjs REPORT.html SCREENSHOT.png [EXPECTED_ROWS]');
  process.exit(2);
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-report-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const dialogs = [];
  const pageErrors = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // Anything fetched besides the file itself would mean the report is not self-contained.
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));

  const url = pathToFileURL(path.resolve(html)).href;
  await page.goto(url, { waitUntil: 'load' });

  const table = page.locator('#coverage-table');
  assert.equal(await table.count(), 1, 'the coverage table is present');
  assert.ok(await table.isVisible(), 'the coverage table is visible');
  const rows = await page.locator('#coverage-table tbody tr').count();
  assert.equal(rows, Number(expectedRows), `coverage table has ${expectedRows} rows`);
  const heads = await page.locator('#coverage-table thead th').allInnerTexts();
  assert.ok(heads.length === 6, `six coverage columns, got ${heads.join(' | ')}`);

  const facts = await page.evaluate(() => ({
    scripts: document.scripts.length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    frames: document.querySelectorAll('iframe, object, embed').length,
    title: document.title,
  }));
  assert.equal(facts.scripts, 0, 'the report has no script elements');
  assert.equal(facts.handlers, 0, 'the report has no event-handler attributes');
  assert.equal(facts.frames, 0, 'the report embeds nothing');
  assert.deepEqual(dialogs, [], 'no script ran (no dialog opened)');
  assert.deepEqual(pageErrors, [], 'no script ran (no page error)');
  assert.deepEqual(requests.filter((u) => u !== url), [], 'the report loads nothing else');

  fs.mkdirSync(path.dirname(path.resolve(shot)), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`report rendered: "${facts.title}", ${rows} coverage rows, screenshot ${shot}`);
} finally {
  if (context) await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
