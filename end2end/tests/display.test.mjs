// A display screen in a dining room, in real Chromium at 1920x1080 against its own server and a
// real RTSP camera (GStreamer): every public camera plays, the licence and the QR code show (the
// QR is decoded and must point at the venue's page), and the page recovers by itself when the
// camera stops and comes back and when the server restarts, without reloading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { hydrated } from './browser.mjs';
import { freePort } from './stack.mjs';
import { ownStack } from './own-stack.mjs';

/** A demo venue with two public synthetic cameras; the spec adds an RTSP camera to it. */
const VENUE = 2;

let browser;
let stack;
const { skip } = ownStack((made) => ({ browser, stack } = made));

/** Waits until every tile is live; says which were not. */
async function allLive(page, timeout) {
  try {
    await page.waitForFunction(() => {
      const tiles = [...document.querySelectorAll('.display .live-tile')];
      return tiles.length > 0 && tiles.every((t) => t.dataset.state === 'live');
    }, null, { timeout, polling: 250 });
  } catch (e) {
    const states = await page.evaluate(() => [...document.querySelectorAll('.live-tile')]
      .map((t) => `${t.dataset.liveCamera}:${t.dataset.state}`).join(' '));
    assert.fail(`not every tile became live (${states}): ${e.message}`);
  }
}

const tileState = (page, camera) => page.locator(`.live-tile[data-live-camera="${camera}"]`).getAttribute('data-state');

const lastHeartbeat = () => JSON.parse(stack.mingchu('screen', 'list', '--json')).find((s) => s.venue_id === VENUE && !s.low_bandwidth)
  .last_heartbeat_at;

test('a display screen plays every camera, shows the licence and a QR code, and recovers on its own', { skip, timeout: 300_000 }, async () => {
  const [httpPort, rtspPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${httpPort}`;
  stack.mingchu('seed-demo');
  let camera = await stack.startCamera(rtspPort);
  const rtspCamera = stack.mingchu('camera', 'add', '--venue', String(VENUE), '--name', '大堂后厨', '--area', 'cooking',
    '--url', `rtsp://127.0.0.1:${rtspPort}/cam`);
  const printed = stack.mingchu('screen', 'add', '--venue', String(VENUE), '--name', '餐厅大屏', '--public-url', base);
  const displayUrl = printed.split(' ').pop();
  assert.match(displayUrl, new RegExp(`^${base}/display/[0-9a-f]{32}$`));
  let server = await stack.startServer(httpPort);

  const venue = await (await fetch(`${base}/api/v1/venues/${VENUE}`)).json();
  const publicCameras = venue.cameras.filter((c) => c.public).map((c) => String(c.id));
  assert.ok(publicCameras.includes(rtspCamera), 'the RTSP camera is public');

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(displayUrl);
  await hydrated(page);
  await page.evaluate(() => { window.__notReloaded = true; });

  // Every public camera, playing.
  const tiles = await page.locator('.display .live-tile').evaluateAll((els) => els.map((e) => e.dataset.liveCamera));
  assert.deepEqual(tiles.sort(), [...publicCameras].sort(), 'one tile per public camera');
  await allLive(page, 60_000);

  // Licence, grade, and the kiosk rules: no scrollbars, no cursor.
  assert.equal(await page.locator('.display-name').textContent(), venue.summary.name);
  assert.equal(await page.locator('.display-licence .licence-number').textContent(), venue.licence.number);
  assert.match(await page.locator('.display-licence').textContent(), new RegExp(venue.licence.valid_until));
  assert.equal(await page.locator('.display-header .grade').getAttribute('data-grade'), venue.summary.dynamic_grade ?? 'pending');
  const layout = await page.evaluate(() => ({
    overflowY: document.documentElement.scrollHeight > window.innerHeight,
    overflowX: document.documentElement.scrollWidth > window.innerWidth,
    cursor: getComputedStyle(document.querySelector('.display')).cursor,
  }));
  assert.deepEqual(layout, { overflowY: false, overflowX: false, cursor: 'none' });

  // The QR code, read from the screen's pixels.
  const png = PNG.sync.read(await page.locator('.display-qr img').screenshot());
  const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(qr, 'the QR code can be read from the screen');
  assert.equal(qr.data, `${base}/venues/${VENUE}`);

  // The heartbeat puts the screen in the KPIs.
  await page.waitForFunction(async (url) => (await (await fetch(url)).json()).screens.online_now === 1,
    `${base}/api/v1/programme`, { timeout: 15_000, polling: 500 });

  // The camera stops: its tile shows the offline card, the others keep playing.
  await stack.stop(camera);
  await page.waitForFunction((id) => ['offline', 'reconnecting'].includes(
    document.querySelector(`.live-tile[data-live-camera="${id}"]`)?.dataset.state), rtspCamera, { timeout: 30_000 });
  assert.ok(await page.locator(`.live-tile[data-live-camera="${rtspCamera}"] .live-card`).isVisible(), 'offline card shown');
  for (const other of publicCameras.filter((c) => c !== rtspCamera)) assert.equal(await tileState(page, other), 'live');

  // …and comes back: the tile recovers without a reload.
  camera = await stack.startCamera(rtspPort);
  await allLive(page, 90_000);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'recovered without reloading');

  // The server restarts: the page recovers by itself, and its heartbeats go on.
  await stack.stop(server);
  const restartedAt = new Date().toISOString();
  server = await stack.startServer(httpPort);
  await allLive(page, 90_000);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'recovered without reloading');
  const deadline = Date.now() + 45_000;
  while (!(lastHeartbeat() > restartedAt)) {
    assert.ok(Date.now() < deadline, `no heartbeat after the restart (last ${lastHeartbeat()})`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  assert.deepEqual(errors, []);
  await context.close();
  await stack.stop(server);
  await stack.stop(camera);
});

test('a low-bandwidth screen shows fresh snapshots instead of video', { skip, timeout: 120_000 }, async () => {
  const httpPort = await freePort();
  const base = `http://127.0.0.1:${httpPort}`;
  const displayUrl = stack.mingchu('screen', 'add', '--venue', '3', '--low-bandwidth', '--public-url', base).split(' ').pop();
  const server = await stack.startServer(httpPort);
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.goto(displayUrl);
  await hydrated(page);
  assert.equal(await page.locator('.display video').count(), 0, 'no video in low-bandwidth mode');
  await allLive(page, 30_000);
  const first = await page.locator('.snapshot-tile img').first().getAttribute('src');
  await page.waitForFunction((src) => document.querySelector('.snapshot-tile img').getAttribute('src') !== src,
    first, { timeout: 15_000 });
  // The new pictures load (the server made them from each camera's latest keyframe).
  await page.waitForFunction(() => [...document.querySelectorAll('.snapshot-tile img')]
    .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 15_000 });
  await allLive(page, 15_000);
  await context.close();
  await stack.stop(server);
});
