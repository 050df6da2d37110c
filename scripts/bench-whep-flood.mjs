// A real viewer's WHEP join while one address floods the server with offers it never completes
// (each would be a session holding DTLS keys for 15 s). Against BASE_URL, a server started with
// --client-ip-header X-Real-IP, so the flood can come from an address of its own on loopback.
// Prints the viewer's medians without and with the flood, and what the flood was answered.
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const RUNS = Number(process.env.RUNS ?? 15);
const FLOODERS = Number(process.env.FLOODERS ?? 8);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
});
const page = await browser.newPage();
// A page, whose Content-Security-Policy lets it fetch from the portal (an API answer's does not).
await page.goto(`${BASE_URL}/`);

// The flood's offers: real browser offers, never answered by ICE.
const offer = await page.evaluate(async () => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  return pc.localDescription.sdp;
});

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
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
  const first = performance.now();
  pc.close();
  video.remove();
  await fetch(response.headers.get('location'), { method: 'DELETE' });
  return first - t0;
}, camera);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const camera = process.env.CAMERA ?? '1';
await watch(camera); // the camera starts

const quiet = [];
for (let i = 0; i < RUNS; i++) quiet.push(await watch(camera));

let flooding = true;
const answers = {};
const flooder = async () => {
  while (flooding) {
    const r = await fetch(`${BASE_URL}/whep/${camera}`, {
      method: 'POST', headers: { 'content-type': 'application/sdp', 'x-real-ip': '203.0.113.66' }, body: offer,
    });
    answers[r.status] = (answers[r.status] ?? 0) + 1;
    await r.arrayBuffer();
  }
};
const flood = Array.from({ length: FLOODERS }, flooder);
await new Promise((r) => setTimeout(r, 1000));
const flooded = [];
for (let i = 0; i < RUNS; i++) flooded.push(await watch(camera));
flooding = false;
await Promise.all(flood);

const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
console.log(`viewer POST→first frame, quiet:   n=${quiet.length} ${fmt(quiet)}`);
console.log(`viewer POST→first frame, flooded: n=${flooded.length} ${fmt(flooded)}`);
console.log(`flood answers from one address (${FLOODERS} concurrent loops): ${JSON.stringify(answers)}`);
await browser.close();
