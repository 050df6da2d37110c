// What a first visit downloads, per page: JavaScript and WebAssembly (and everything else)
// as transferred, compressed, with an empty cache, in Debian's Chromium on a phone viewport.
// Counts the bytes the browser received from the network (Chrome DevTools Protocol
// `Network.loadingFinished.encodedDataLength`), so compression and every request count.
//
//   BASE_URL=http://127.0.0.1:3000 [DISPLAY_PATH=/display/<token>] node end2end/page-weight.mjs [--budget]
//
// Prints a Markdown table. With --budget, exits 1 when a page's JavaScript + WebAssembly
// exceeds its budget (the phone-first issue: home and venue pages 200 KB, others 300 KB).
import { BASE_URL, launch, phone } from './tests/browser.mjs';

const KB = 1000;
const enforce = process.argv.includes('--budget');

async function json(path) {
  const response = await fetch(`${BASE_URL}${path}`);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

async function pages() {
  const { venues } = await json('/api/v1/venues?camera=1&per_page=100');
  const venue = venues.find((v) => v.status === 'operating' && v.camera_count > 0) ?? venues[0];
  return [
    { name: 'home', path: '/', budget: 200 * KB },
    { name: 'venue', path: `/venues/${venue.id}`, budget: 200 * KB },
    { name: 'complaints (find one by reference)', path: '/complaints', budget: 300 * KB },
    { name: 'complaint form', path: `/complaints/new?venue=${venue.id}`, budget: 300 * KB },
    { name: 'programme', path: '/programme', budget: 300 * KB },
    { name: 'staff sign-in', path: '/account/login', budget: 300 * KB },
    // A display screen's secret address, when the caller registered one (scripts/test.sh does).
    ...(process.env.DISPLAY_PATH ? [{ name: 'display screen', path: process.env.DISPLAY_PATH, budget: 300 * KB }] : []),
  ];
}

/** Bytes received per resource type during one cold load (until the network is idle). */
async function weigh(browser, path) {
  const { context, page } = await phone(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const types = new Map();
  const totals = { script: 0, wasm: 0, other: 0 };
  cdp.on('Network.responseReceived', (e) => {
    const mime = e.response.mimeType;
    types.set(e.requestId, mime === 'application/wasm' ? 'wasm' : /javascript/.test(mime) ? 'script' : 'other');
  });
  cdp.on('Network.loadingFinished', (e) => {
    totals[types.get(e.requestId) ?? 'other'] += e.encodedDataLength;
  });
  await page.goto(`${BASE_URL}${path}`, { waitUntil: 'networkidle' });
  await context.close();
  return totals;
}

const browser = await launch();
const rows = [];
let over = 0;
for (const p of await pages()) {
  const t = await weigh(browser, p.path);
  const code = t.script + t.wasm;
  const ok = code <= p.budget;
  if (!ok) over += 1;
  rows.push(`| ${p.name} (\`${p.path}\`) | ${(t.script / KB).toFixed(1)} KB | ${(t.wasm / KB).toFixed(1)} KB | `
    + `**${(code / KB).toFixed(1)} KB** | ${(p.budget / KB).toFixed(0)} KB ${ok ? 'ok' : 'OVER'} | ${(t.other / KB).toFixed(1)} KB |`);
}
await browser.close();
console.log('| page | JavaScript | WebAssembly | JS + Wasm | budget | everything else |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
if (enforce && over > 0) {
  console.error(`${over} page(s) over their budget of JavaScript and WebAssembly`);
  process.exit(1);
}
