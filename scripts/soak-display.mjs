// Soak run of a display screen: a server of its own with the demo district and a real RTSP
// camera that flaps (off for 10 s every minute), a Chromium screen at 1920x1080 showing the
// venue, and once a minute the page's JavaScript heap (after a forced garbage collection),
// its DOM nodes and event listeners, the tiles playing, and the server's resident memory.
//
//   node scripts/soak-display.mjs MINUTES OUT.csv      (run through scripts/soak-display.sh)
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { launch, hydrated } from '../end2end/tests/browser.mjs';
import { Stack, freePort } from '../end2end/tests/stack.mjs';

const [minutes = '30', out = 'target/soak/display.csv'] = process.argv.slice(2);
const VENUE = 2;
const stack = new Stack(process.env.MINGCHU_BIN, process.env.MINGCHU_SITE_ROOT);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const [httpPort, rtspPort] = [await freePort(), await freePort()];
const base = `http://127.0.0.1:${httpPort}`;
stack.mingchu('seed-demo');
let camera = await stack.startCamera(rtspPort);
stack.mingchu('camera', 'add', '--venue', String(VENUE), '--name', 'soak', '--area', 'cooking',
  '--url', `rtsp://127.0.0.1:${rtspPort}/cam`);
const url = stack.mingchu('screen', 'add', '--venue', String(VENUE), '--public-url', base).split(' ').pop();
const server = await stack.startServer(httpPort);

const browser = await launch();
const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
let reloads = -1;
page.on('load', () => { reloads += 1; });
await page.goto(url);
await hydrated(page);

async function sample(minute) {
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const live = await page.evaluate(() => [...document.querySelectorAll('.live-tile')].filter((t) => t.dataset.state === 'live').length);
  return {
    minute,
    js_heap_mb: +(metrics.JSHeapUsedSize / 2 ** 20).toFixed(2),
    dom_nodes: metrics.Nodes,
    listeners: metrics.JSEventListeners,
    tiles_live: live,
    server_rss_mb: +rssMb(server.pid).toFixed(1),
    reloads,
  };
}

const rows = [];
const end = Date.now() + Number(minutes) * 60_000;
await sleep(20_000); // every tile playing before the first sample
for (let minute = 0; Date.now() < end; minute += 1) {
  const row = await sample(minute);
  rows.push(row);
  console.log(JSON.stringify(row));
  // The flap: the camera goes away for 10 s, then comes back, every minute.
  await stack.stop(camera);
  await sleep(10_000);
  camera = await stack.startCamera(rtspPort);
  await sleep(50_000);
}
await sleep(20_000);
rows.push(await sample(rows.length));
console.log(JSON.stringify(rows.at(-1)));

mkdirSync(dirname(out), { recursive: true });
const header = Object.keys(rows[0]);
writeFileSync(out, [header.join(','), ...rows.map((r) => header.map((h) => r[h]).join(','))].join('\n') + '\n');
const [first, last] = [rows[0], rows.at(-1)];
const max = (key) => Math.max(...rows.map((r) => r[key]));
console.log(`\nsoak ${minutes} min, ${rows.length - 1} camera flaps: written ${out}`);
for (const key of ['js_heap_mb', 'dom_nodes', 'listeners', 'server_rss_mb']) {
  console.log(`${key}: start ${first[key]}, end ${last[key]}, max ${max(key)}`);
}
console.log(`tiles live at the end: ${last.tiles_live}; page reloads: ${last.reloads}`);
await browser.close();
stack.cleanup();
