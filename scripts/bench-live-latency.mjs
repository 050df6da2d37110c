// Glass-to-glass latency of the live player in Debian's Chromium, over WebRTC (UDP), over
// WebRTC through ICE-TCP (Chromium with UDP disabled) and over the plain-HTTP fallback
// (RTCPeerConnection removed), against BASE_URL. The camera is
// `scripts/rtsp-camera.py --clock-code`: each picture shows the wall clock as bars; the page
// reads them from every frame it presents (requestVideoFrameCallback) and subtracts them from
// the frame's display time. Same machine, so one clock. Prints medians in milliseconds.
//   BASE_URL=… VENUE=… CAMERA=… node scripts/bench-live-latency.mjs
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const { VENUE, CAMERA } = process.env;
const FRAMES = Number(process.env.FRAMES ?? 250);
const RUNS = Number(process.env.RUNS ?? 3);
if (!VENUE || !CAMERA) throw new Error('VENUE and CAMERA are required');

const launch = (extra = []) => chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', ...extra],
});
const browser = await launch();
// No UDP that does not go through a proxy (there is none): WebRTC can only use ICE-TCP.
const noUdp = await launch(['--force-webrtc-ip-handling-policy', '--webrtc-ip-handling-policy=disable_non_proxied_udp']);

/** Latencies (ms) of FRAMES presented frames of the tile, after it has played for a while. */
async function measure(transport) {
  const context = await (transport === 'webrtc-tcp' ? noUdp : browser)
    .newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  if (transport === 'http') {
    await context.addInitScript(() => { delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection; });
  }
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/venues/${VENUE}`);
  await page.waitForSelector('body[data-hydrated="true"]');
  const selector = `.live-tile[data-live-camera="${CAMERA}"]`;
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'live', selector, { timeout: 30_000 });
  const used = await page.locator(selector).getAttribute('data-transport');
  if (used !== transport.replace('-tcp', '')) throw new Error(`the tile plays over ${used}, not ${transport}`);
  await page.waitForTimeout(3_000);
  const latencies = await page.evaluate(async ({ selector, frames }) => {
    const video = document.querySelector(`${selector} video`);
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const out = [];
    await new Promise((done) => {
      const step = (_now, meta) => {
        canvas.width = meta.width;
        canvas.height = meta.height;
        ctx.drawImage(video, 0, 0, meta.width, meta.height);
        // The bars: 24 of width // 26 after one bar's margin, in the top third (clock_frame).
        const bar = Math.floor(meta.width / 26);
        const row = ctx.getImageData(0, Math.floor(meta.height / 6), meta.width, 1).data;
        let code = 0;
        for (let i = 0; i < 24; i++) code = code * 2 + (row[((i + 1) * bar + (bar >> 1)) * 4] > 128 ? 1 : 0);
        const shown = Math.round(performance.timeOrigin + meta.expectedDisplayTime) % 0x1000000;
        out.push((shown - code + 0x1000000) % 0x1000000);
        if (out.length >= frames) done(); else video.requestVideoFrameCallback(step);
      };
      video.requestVideoFrameCallback(step);
    });
    return out;
  }, { selector, frames: FRAMES });
  await context.close();
  return latencies;
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
for (const transport of ['webrtc', 'webrtc-tcp', 'http']) {
  const medians = [];
  const p95s = [];
  for (let run = 0; run < RUNS; run++) {
    const latencies = await measure(transport);
    // A reading past ten seconds is a misread picture, not a latency.
    const good = latencies.filter((l) => l < 10_000);
    if (good.length < latencies.length * 0.9) throw new Error(`${transport}: only ${good.length} of ${latencies.length} frames readable`);
    medians.push(quantile(good, 0.5));
    p95s.push(quantile(good, 0.95));
  }
  console.log(`${transport}: ${RUNS} runs of ${FRAMES} frames; glass-to-glass median of run medians ` +
    `${quantile(medians, 0.5)} ms (runs: ${medians.join(', ')}), median p95 ${quantile(p95s, 0.5)} ms`);
}
await browser.close();
await noUdp.close();
