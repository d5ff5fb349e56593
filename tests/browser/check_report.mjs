// Opens a run's report.html in Debian's headless Chromium, with every network request blocked
// and recorded, and checks what a person would see: no console or page error, nothing fetched,
// every chart drew its data, the expected charts and tables are there and agree with
// report.json. Writes a full-page screenshot beside the report and copies it to the artefacts.
//
// Usage: node check_report.mjs --modules DIR/node_modules --report REPORT_DIR [--artifacts DIR]
//   --modules    where install.sh put playwright-core (the build tree)
//   --report     a report folder holding report.html and report.json (multitier.stress.mix's)
//   --artifacts  also copy the screenshot there (CI keeps it)
// Exits 1 with a message on any failure, including a missing Chromium or playwright-core.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.MULTITIER_CHROMIUM || '/usr/bin/chromium';
const INSTALL_HINT = 'run scripts/install-deps.sh --tests';
// A chart counts as drawn when this many pixels are painted and this many of them have the
// saturated colours of the data lines (the axes and grid are grey).
const MIN_PAINTED = 2000;
const MIN_COLOURED = 150;

function fail(message) {
  console.error(`browser check: FAILED: ${message}`);
  process.exit(1);
}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) fail(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const needed of ['modules', 'report']) if (!out[needed]) fail(`--${needed} is required`);
  return out;
}

const options = args(process.argv.slice(2));
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing; ${INSTALL_HINT}`);
let chromium;
try {
  const require = createRequire(pathToFileURL(path.join(options.modules, '..', 'package.json')));
  ({ chromium } = require('playwright-core'));
} catch (e) {
  fail(`playwright-core is not installed under ${options.modules} (${e.message}); the CTest ` +
       `fixture multitier.browser.install installs it (needs node and npm: ${INSTALL_HINT})`);
}

const reportDir = path.resolve(options.report);
const htmlPath = path.join(reportDir, 'report.html');
const jsonPath = path.join(reportDir, 'report.json');
if (!fs.existsSync(htmlPath)) fail(`${htmlPath} does not exist (multitier.stress.mix writes it)`);
if (!fs.existsSync(jsonPath)) fail(`${jsonPath} does not exist`);
const summaryText = fs.readFileSync(jsonPath, 'utf8');
const summary = JSON.parse(summaryText);
// The seed is a 64-bit integer: read its digits, not the double JSON.parse makes of it.
const summarySeed = (/"seed":\s*(\d+)/.exec(summaryText) || [])[1];

const problems = [];
const blocked = [];
const consoleErrors = [];
const pageErrors = [];
const allowed = (url) => /^(file|data|blob|about):/i.test(url);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    serviceWorkers: 'block',
  });
  // Anything not local is aborted and recorded; the check fails if there was any.
  await context.route('**', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (!allowed(request.url())) blocked.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  // Chart.js draws when a chart is created (the report turns animation off); wait until every
  // canvas has its chart and two frames have passed.
  await page.waitForFunction(
    () => typeof Chart !== 'undefined' &&
          [...document.querySelectorAll('canvas')].every((c) => Chart.getChart(c)),
    null, { timeout: 15000 }).catch(() => problems.push('not every canvas got a chart in 15 s'));
  await page.evaluate(() => new Promise((done) =>
    requestAnimationFrame(() => requestAnimationFrame(done))));

  const seen = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll('canvas')].map((canvas) => {
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
      let painted = 0;
      let coloured = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 0) continue;
        ++painted;
        const r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) ++coloured;
      }
      const chart = typeof Chart === 'undefined' ? null : Chart.getChart(canvas);
      const values = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) =>
        Number.isFinite(typeof v === 'object' && v !== null ? v.y : v)).length, 0) : 0;
      return { id: canvas.id, label: canvas.getAttribute('aria-label'), width, height, painted,
               coloured, datasets: chart ? chart.data.datasets.length : 0, values };
    });
    const rows = (id) => {
      const table = document.getElementById(id);
      return table ? table.querySelectorAll('tbody tr').length : -1;
    };
    const cases = [...document.querySelectorAll('section.case')].map((section) => {
      const id = section.id;
      const scenarioRuns = {};
      const table = document.getElementById(`${id}-scenarios`);
      if (table) {
        for (const tr of table.querySelectorAll('tbody tr')) {
          const cells = tr.querySelectorAll('td');
          scenarioRuns[cells[0].textContent.trim()] = Number(cells[1].textContent);
        }
      }
      const tables = {};
      for (const suffix of ['verdicts', 'scenarios', 'http-steps', 'validator-steps', 'failures']) {
        tables[suffix] = rows(`${id}-${suffix}`);
      }
      return { id, title: section.querySelector('h2').textContent, tables, scenarioRuns,
               footprintNote: !!document.getElementById(`${id}-footprint-note`) };
    });
    return {
      canvases, cases,
      settings: rows('settings') === -1 ? -1 : document.querySelectorAll('#settings tr').length,
      thresholds: document.querySelectorAll('#thresholds tr').length,
      seed: document.querySelector('#settings .seed')?.textContent ?? '',
      banner: document.getElementById('banner')?.textContent ?? '',
      accuracy: document.getElementById('accuracy')?.textContent ?? '',
      libraryNote: !!document.getElementById('library-note'),
      title: document.title,
    };
  });

  const screenshot = path.join(reportDir, 'report-screenshot.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  if (options.artifacts) {
    fs.mkdirSync(options.artifacts, { recursive: true });
    fs.copyFileSync(screenshot, path.join(options.artifacts, 'report-screenshot.png'));
  }
  console.log(`browser check: screenshot ${screenshot}` +
              (options.artifacts ? ` (copied to ${options.artifacts})` : ''));

  // What the page must show.
  if (seen.libraryNote) problems.push('the page says the chart library is missing');
  if (!seen.banner) problems.push('no result banner');
  const expectedResult = summary.passed ? 'PASSED' : summary.partial ? 'PARTIAL' : 'FAILED';
  if (!seen.banner.includes(expectedResult)) {
    problems.push(`the banner says "${seen.banner}", report.json says ${expectedResult}`);
  }
  if (!/\d+(\.\d+)? %/.test(seen.accuracy)) problems.push('no statement of the accuracy');
  if (seen.settings < 10) problems.push(`the settings table has ${seen.settings} rows`);
  if (seen.thresholds < 1) problems.push('no thresholds table');
  if (!summarySeed || seen.seed !== summarySeed) {
    problems.push(`the page's seed "${seen.seed}" is not report.json's ${summarySeed}`);
  }
  if (seen.cases.length !== summary.cases.length) {
    problems.push(`${seen.cases.length} case sections for ${summary.cases.length} cases`);
  }
  const byId = new Map(seen.canvases.map((c) => [c.id, c]));
  seen.cases.forEach((c, i) => {
    const expected = summary.cases[i];
    if (!expected || expected.error) return;
    for (const [suffix, count] of Object.entries(c.tables)) {
      if (count < 1) problems.push(`${c.id}: table ${c.id}-${suffix} is missing or empty`);
    }
    for (const [name, stats] of Object.entries(expected.per_scenario)) {
      if (c.scenarioRuns[name] !== stats.runs) {
        problems.push(`${c.id}: ${name} shows ${c.scenarioRuns[name]} runs, report.json ` +
                      `${stats.runs}`);
      }
    }
    const charts = ['throughput', 'latency', 'distribution'];
    if (byId.has(`${c.id}-footprint`)) charts.push('footprint');
    else if (!c.footprintNote) problems.push(`${c.id}: neither a footprint chart nor its note`);
    for (const suffix of charts) {
      const canvas = byId.get(`${c.id}-${suffix}`);
      if (!canvas) {
        problems.push(`${c.id}: no chart ${c.id}-${suffix}`);
        continue;
      }
      if (!canvas.label) problems.push(`${canvas.id}: no aria-label`);
      if (canvas.datasets < 1 || canvas.values < 1) {
        problems.push(`${canvas.id}: ${canvas.datasets} datasets with ${canvas.values} values`);
      }
      if (canvas.painted < MIN_PAINTED || canvas.coloured < MIN_COLOURED) {
        problems.push(`${canvas.id}: drew ${canvas.painted} pixels, ${canvas.coloured} in ` +
                      `colour (want ≥ ${MIN_PAINTED} and ≥ ${MIN_COLOURED})`);
      }
    }
  });
  for (const canvas of seen.canvases) {
    console.log(`browser check: ${canvas.id} (${canvas.label}): ${canvas.width}×${canvas.height}, ` +
                `${canvas.datasets} datasets, ${canvas.values} values, ${canvas.painted} pixels ` +
                `painted, ${canvas.coloured} in colour`);
  }
} finally {
  await browser.close();
}

for (const url of new Set(blocked)) problems.push(`the page tried to fetch ${url}`);
for (const text of consoleErrors) problems.push(`console error: ${text}`);
for (const text of pageErrors) problems.push(`page error: ${text}`);
if (problems.length) fail(`${htmlPath}:\n  ${problems.join('\n  ')}`);
console.log(`browser check: ${htmlPath} passed (${fs.statSync(htmlPath).size} bytes)`);
