// Full-page screenshots of the panel's overview (desktop 1200 px and phone 390 px), and its
// height, against `domoguardd --demo`: to compare the overview before and after a change.
// Usage: node --experimental-websocket e2e/overview-shots.mjs --daemon BIN --panel-dir DIST --shots DIR --prefix NAME
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-shots-'));
fs.mkdirSync(args.shots, { recursive: true });
const proc = spawn(args.daemon, ['--demo', '--listen', '127.0.0.1:0', '--panel-dir', args['panel-dir'], '--db', path.join(tmp, 'd.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no "serving on" line:\n${log}`)), 30000);
  const on = (d) => { log += d; const m = /serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log); if (m) { clearTimeout(timer); resolve(Number(m[1])); } };
  proc.stdout.on('data', on);
  proc.stderr.on('data', on);
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const [name, width] of [['desktop', 1200], ['390', 390]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('[data-testid=score]').waitFor({ timeout: 20000 });
    await page.waitForTimeout(300);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const file = path.join(args.shots, `${args.prefix}-overview-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`${file}: ${width} x ${height} px`);
    await page.close();
  }
} finally {
  await browser.close();
  proc.kill();
}
