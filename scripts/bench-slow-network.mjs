// A first visit on a slow mobile link (docs/benchmarks.md, phone-first issue): Debian's
// Chromium at 390×844 with the DevTools protocol's network emulation (1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip) and a 4× CPU slowdown, cache disabled. For the home page
// and a venue page with live cameras, five cold loads each:
//   - first contentful paint (the browser's paint timing),
//   - interactive: when the WebAssembly has hydrated the page (`body[data-hydrated]`),
//   - venue page: the first decoded video frame of the live kitchen, and the steps to it (the
//     WHEP offer sent and answered, ICE checking and connected, the connection up after DTLS).
// Chromium applies the emulated latency to WebRTC's UDP packets as well (150 ms each way: ICE
// takes one such round trip, DTLS two).
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
  // The steps to the first frame: the WHEP offer sent and answered, the connection up.
  const fetchBefore = window.fetch;
  window.fetch = async (input, init) => {
    const whep = String(input?.url ?? input).includes('/whep');
    if (whep && init?.method === 'POST') mark('offer');
    const response = await fetchBefore(input, init);
    if (whep && init?.method === 'POST') mark('answer');
    return response;
  };
  const Connection = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const connection = new Connection(...args);
    connection.addEventListener('iceconnectionstatechange', () => {
      if (connection.iceConnectionState === 'checking') mark('ice checking');
      if (connection.iceConnectionState === 'connected') mark('ice connected');
    });
    connection.addEventListener('connectionstatechange', () => {
      if (connection.connectionState === 'connected') mark('connected');
    });
    return connection;
  };
  window.RTCPeerConnection.prototype = Connection.prototype;
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
    offer: window.__milestones.offer ?? null,
    answer: window.__milestones.answer ?? null,
    connected: window.__milestones.connected ?? null,
    checking: window.__milestones['ice checking'] ?? null,
    ice: window.__milestones['ice connected'] ?? null,
  }));
  await context.close();
  return result;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => (x == null ? '—' : `${Math.round(x)} ms`);

const browser = await launch();
const venue = await venueWithCameras();
console.log('| page | first contentful paint | interactive | WHEP offer sent | answered | ICE checking | ICE connected | DTLS done | first video frame | runs |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [name, path, video] of [['home', '/', false], ['venue', `/venues/${venue.id}`, true]]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(browser, path, video));
  const col = (key) => (video || key !== 'video' ? ms(median(runs.map((r) => r[key]))) : '—');
  const all = runs.map((r) => `${Math.round(r.interactive)}`).join(' / ');
  const steps = ['offer', 'answer', 'checking', 'ice', 'connected', 'video'].map(col).join(' | ');
  console.log(`| ${name} (\`${path}\`) | ${col('fcp')} | ${col('interactive')} | ${steps} | interactive: ${all} ms |`);
}
await browser.close();
