// The HTML quality report in a real browser (headless Chromium driven by
// playwright-core): it loads from file:// with no console errors, no
// page errors and no network requests, its SVG charts have bars, reply
// text is shown as text (never run as markup), and a screenshot is taken.
//
//   node report.mjs check TACTFUL_BINARY OUT_DIR
//       builds a small batch from examples/replies/, writes the report
//       with --group-by team, checks it, screenshots OUT_DIR/report.png
//   node report.mjs shot REPORT.html OUT.png [ROWS]
//       checks an existing report the same way and screenshots its top:
//       totals, charts and the first ROWS (default 20) rows of the group
//       table, leaving out the example replies further down.

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function fail(msg) {
  console.error(`report.mjs: ${msg}`);
  process.exit(1);
}

/// One batch line per example reply, spread over three teams, with
/// response times from minutes to days, and one reply made of markup.
function sampleInput() {
  const dir = path.join(root, 'examples', 'replies');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (files.length === 0) fail(`no replies in ${dir}`);
  const teams = ['north', 'south', 'east'];
  const delays = [300, 2400, 9000, 30000, 100000, 400000, 60, 1200];
  const received = Date.parse('2026-11-02T09:00:00Z');
  const lines = files.map((f, i) => {
    const line = {
      id: f,
      team: teams[i % teams.length],
      text: fs.readFileSync(path.join(dir, f), 'utf8'),
      customer: 'My order still has not arrived!',
      received_at: new Date(received).toISOString().replace('.000', ''),
      sent_at: new Date(received + delays[i % delays.length] * 1000).toISOString().replace('.000', ''),
    };
    if (f.includes('.chat.')) line.channel = 'chat';
    return JSON.stringify(line);
  });
  lines.push(JSON.stringify({
    id: 'markup',
    team: '<i>west</i> & "co"',
    text: 'No. <script>window.__ran = 1; alert("x")</script> <img src=x onerror="window.__ran = 2">',
  }));
  return lines.join('\n') + '\n';
}

async function open(file, shot, rows) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tactful-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 900 },
  });
  const problems = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`a dialog opened: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
    });
    const url = pathToFileURL(file).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) problems.push(`could not load ${url}`);
    const facts = await page.evaluate(() => {
      const bars = (sel) =>
        [...document.querySelectorAll(`${sel} rect.bar`)].filter((r) => r.getBoundingClientRect().width > 0
          && r.getBoundingClientRect().height > 0).length;
      return {
        title: document.title,
        ruleBars: bars('svg#rule-chart'),
        delayBars: bars('svg#delay-chart'),
        groupRows: document.querySelectorAll('#group-table tbody tr').length,
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        ran: window.__ran ?? null,
        marks: document.querySelectorAll('mark').length,
        text: document.body.innerText,
      };
    });
    if (facts.ruleBars === 0) problems.push('no bars in the rule chart');
    if (facts.delayBars === 0) problems.push('no bars in the response-time chart');
    if (facts.groupRows === 0) problems.push('no rows in the group table');
    if (facts.scripts !== 0 || facts.images !== 0) problems.push('reply markup became elements');
    if (facts.ran !== null) problems.push('reply markup ran');
    if (facts.marks === 0) problems.push('no highlighted matches in the examples');
    fs.mkdirSync(path.dirname(path.resolve(shot)), { recursive: true });
    if (rows === undefined) {
      await page.screenshot({ path: shot, fullPage: true });
    } else {
      // From the top to the end of the ROWS-th group row.
      const n = Math.min(rows, facts.groupRows);
      const bottom = await page.evaluate((k) => {
        const row = document.querySelectorAll('#group-table tbody tr')[k - 1];
        return row.getBoundingClientRect().bottom + window.scrollY + 1;
      }, n);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.setViewportSize({ width: Math.max(1200, width), height: Math.ceil(bottom) });
      await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: Math.max(1200, width), height: Math.ceil(bottom) } });
    }
    return { facts, problems };
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'check' && a && b) {
  fs.mkdirSync(b, { recursive: true });
  const input = path.join(b, 'sample.jsonl');
  const html = path.join(b, 'report.html');
  fs.writeFileSync(input, sampleInput());
  try {
    execFileSync(a, ['--no-config', '--jsonl', input, '--group-by', 'team', '--report', html], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (e) {
    // Exit 1 means findings at the --fail-on level, which the sample has.
    if (e.status !== 1) fail(`tactful exited with ${e.status}`);
  }
  const { facts, problems } = await open(html, path.join(b, 'report.png'));
  if (!facts.text.includes('<script>window.__ran')) problems.push('reply markup is not shown as text');
  if (!facts.text.includes('<i>west</i> & "co"')) problems.push('group name markup is not shown as text');
  if (facts.groupRows !== 4) problems.push(`expected 4 groups, found ${facts.groupRows}`);
  if (problems.length) fail(problems.join('\n'));
  console.log(`report.mjs: ${html}: ${facts.ruleBars} rule bars, ${facts.delayBars} response-time bars, `
    + `${facts.groupRows} groups, no console errors; screenshot ${path.join(b, 'report.png')}`);
} else if (mode === 'shot' && a && b) {
  const { facts, problems } = await open(path.resolve(a), b, Number(c ?? 20));
  if (problems.length) fail(problems.join('\n'));
  console.log(`report.mjs: ${a}: ${facts.ruleBars} rule bars, ${facts.delayBars} response-time bars, `
    + `${facts.groupRows} groups, no console errors; screenshot ${b}`);
} else {
  fail('usage: node report.mjs check TACTFUL OUT_DIR | shot REPORT.html OUT.png [ROWS]');
}
