// Time from WHEP POST to the first decoded video frame in Debian's Chromium, against BASE_URL.
// "cold": the first viewer of an idle on-demand camera (includes starting the camera);
// "warm": a new viewer of a camera that is already streaming. Prints medians in milliseconds.
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const RUNS = Number(process.env.RUNS ?? 15);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
});
const page = await browser.newPage();
// A page, whose Content-Security-Policy lets it fetch from the portal (an API answer's does not).
await page.goto(`${BASE_URL}/`);

const watch = (camera) => page.evaluate(async (camera) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  const video = document.createElement('video');
  Object.assign(video, { muted: true, autoplay: true, playsInline: true });
  document.body.append(video);
  pc.ontrack = (e) => { video.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
  await pc.setLocalDescription(await pc.createOffer());
  const t0 = performance.now();
  const response = await fetch(`/whep/${camera}`, {
    method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp,
  });
  if (response.status !== 201) throw new Error(`POST /whep/${camera}: ${response.status} ${await response.text()}`);
  const answered = performance.now();
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
  const first = performance.now();
  pc.close();
  video.remove();
  await fetch(response.headers.get('location'), { method: 'DELETE' });
  return { answer: answered - t0, frame: first - t0 };
}, camera);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const report = (label, runs) => console.log(
  `${label}: n=${runs.length} POST→answer median ${median(runs.map((r) => r.answer)).toFixed(0)} ms, ` +
  `POST→first decoded frame median ${median(runs.map((r) => r.frame)).toFixed(0)} ms ` +
  `(min ${Math.min(...runs.map((r) => r.frame)).toFixed(0)}, max ${Math.max(...runs.map((r) => r.frame)).toFixed(0)})`);

const cameras = await (await fetch(`${BASE_URL}/api/v1/venues?camera=1&per_page=100`)).json();
const ids = [];
for (const venue of cameras.items ?? cameras.venues ?? []) {
  const detail = await (await fetch(`${BASE_URL}/api/v1/venues/${venue.id}`)).json();
  for (const c of detail.cameras ?? []) if (c.public) ids.push(c.id);
}
if (ids.length < RUNS + 1) throw new Error(`need ${RUNS + 1} public cameras, found ${ids.length}`);

const cold = [];
for (const id of ids.slice(1, RUNS + 1)) cold.push(await watch(id));
await watch(ids[0]);
const warm = [];
for (let i = 0; i < RUNS; i++) warm.push(await watch(ids[0]));
report('cold (camera started on demand)', cold);
report('warm (camera already streaming)', warm);
await browser.close();
