// A first visit on a slow mobile link (docs/benchmarks.md, phone-first issue): Debian's
// Chromium at 390×844 with the DevTools protocol's network emulation (1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip) and a 4× CPU slowdown, cache disabled. For the home page
// and a venue page with live cameras, five cold loads each:
//   - first contentful paint (the browser's paint timing),
//   - interactive: when the WebAssembly has hydrated the page (`body[data-hydrated]`),
//   - venue page: the first decoded video frame of the live kitchen.
// The emulation throttles HTTP (HTML, JS, WebAssembly, snapshots); WebRTC's media over UDP is
// not throttled by it.
//
//   BASE_URL=http://127.0.0.1:3000 node scripts/bench-slow-network.mjs [runs]
import { BASE_URL, launch, phone, venueWithCameras } from '../end2end/tests/browser.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const LIMIT_MS = 30_000;

// Records, in page time, when hydration marks the body and when any video decodes a frame.
function recordMilestones() {
  window.__milestones = {};
  const mark = (name) => { window.__milestones[name] ??= performance.now(); };
  new MutationObserver(() => {
    if (document.body?.dataset.hydrated === 'true') mark('interactive');
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
  document.addEventListener('loadeddata', () => mark('video'), true);
}

async function load(browser, path, wantVideo) {
  const { context, page } = await phone(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(recordMilestones);
  await page.goto(`${BASE_URL}${path}`, { waitUntil: 'commit' });
  await page.waitForFunction((video) => window.__milestones?.interactive && (!video || window.__milestones.video),
    wantVideo, { timeout: LIMIT_MS, polling: 50 });
  const result = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    interactive: window.__milestones.interactive,
    video: window.__milestones.video ?? null,
  }));
  await context.close();
  return result;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => (x == null ? '—' : `${Math.round(x)} ms`);

const browser = await launch();
const venue = await venueWithCameras();
console.log(`| page | first contentful paint | interactive | first video frame | runs |`);
console.log('|---|---|---|---|---|');
for (const [name, path, video] of [['home', '/', false], ['venue', `/venues/${venue.id}`, true]]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(browser, path, video));
  const col = (key) => (video || key !== 'video' ? ms(median(runs.map((r) => r[key]))) : '—');
  const all = runs.map((r) => `${Math.round(r.interactive)}`).join(' / ');
  console.log(`| ${name} (\`${path}\`) | ${col('fcp')} | ${col('interactive')} | ${col('video')} | interactive: ${all} ms |`);
}
await browser.close();
