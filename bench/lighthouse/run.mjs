// Lighthouse mobile performance for some URLs, each run RUNS times in one Chrome:
//   node bench/lighthouse/run.mjs OUT.json RUNS URL...
// Default mobile preset (simulated throttling: slow 4G, 4x CPU slowdown), only
// the performance category; Chrome from CHROME_PATH (default Debian's
// /usr/bin/chromium). Lighthouse clears the cache and storage before every run,
// so each is a cold load. Writes a summary per run to OUT.json; the whole
// report of each URL's last run goes beside it (OUT-<n>.report.json).
// `python -m bench.lighthouse SITE` serves a built site gzip-compressed and runs this.
import fs from 'node:fs';
import {createRequire} from 'node:module';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const [out, runsArg, ...urls] = process.argv.slice(2);
const runs = Number(runsArg);
if (!out || !(runs > 0) || urls.length === 0) {
  console.error('usage: node run.mjs OUT.json RUNS URL...');
  process.exit(2);
}

const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const METRICS = {fcp: 'first-contentful-paint', lcp: 'largest-contentful-paint', tbt: 'total-blocking-time',
  cls: 'cumulative-layout-shift', si: 'speed-index'};

function summary(lhr, url, run) {
  const perf = lhr.categories.performance;
  // every request but data: URLs, and the bytes as sent (gzip, with headers): resource-summary's total
  const requests = (lhr.audits['network-requests']?.details?.items ?? []).filter((r) => !r.url.startsWith('data:'));
  const total = (lhr.audits['resource-summary']?.details?.items ?? []).find((r) => r.resourceType === 'total');
  const origin = new URL(url).origin;
  const row = {
    url, run,
    score: perf.score === null ? null : Math.round(perf.score * 100),
    bytes: total?.transferSize ?? requests.reduce((sum, r) => sum + (r.transferSize || 0), 0),
    requests: total?.requestCount ?? requests.length,
    foreign: requests.filter((r) => !r.url.startsWith(origin)).map((r) => r.url),
    benchmarkIndex: lhr.environment?.benchmarkIndex ?? null,
    // points lost per weighted metric: weight × (1 − score), of 100
    lost: {},
    // diagnostics and opportunities that did not pass (score < 0.9), with what they say (weight 0)
    failing: [],
    warnings: lhr.runWarnings ?? [],
    error: lhr.runtimeError?.message ?? null,
  };
  for (const [key, id] of Object.entries(METRICS)) {
    row[key] = lhr.audits[id]?.numericValue ?? null;
  }
  for (const ref of perf.auditRefs) {
    const audit = lhr.audits[ref.id];
    if (!audit || audit.score === null) continue;
    if (ref.weight > 0 && audit.score < 1) {
      row.lost[ref.id] = Math.round(ref.weight * (1 - audit.score) * 10) / 10;
    } else if (ref.weight === 0 && audit.score < 0.9 && !ref.id.endsWith('-insight')  // 12.x: the same as
               && audit.scoreDisplayMode !== 'informative'                           // the older audits
               && audit.scoreDisplayMode !== 'notApplicable' && audit.scoreDisplayMode !== 'manual') {
      row.failing.push({id: ref.id, score: audit.score, value: audit.displayValue ?? ''});
    }
  }
  return row;
}

const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const chrome = await chromeLauncher.launch({chromePath, chromeFlags: CHROME_FLAGS, logLevel: 'silent'});
const result = {
  lighthouse: createRequire(import.meta.url)('lighthouse/package.json').version,
  chrome: null,
  runs: [],
};
try {
  for (const [i, url] of urls.entries()) {
    for (let run = 1; run <= runs; run++) {
      const flags = {port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance']};
      const {lhr} = await lighthouse(url, flags);
      result.chrome ??= lhr.environment?.hostUserAgent ?? null;
      result.runs.push(summary(lhr, url, run));
      if (run === runs) {
        fs.writeFileSync(out.replace(/\.json$/, '') + `-${i}.report.json`, JSON.stringify(lhr));
      }
    }
  }
} finally {
  await chrome.kill();
}
fs.writeFileSync(out, JSON.stringify(result, null, 1));
