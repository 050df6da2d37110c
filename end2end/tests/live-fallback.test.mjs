// Live kitchen video where WebRTC cannot get through: a network that drops UDP (Chromium told
// to use no UDP that does not go through a proxy, and there is none) to a server that offers
// no ICE-TCP, and a browser without RTCPeerConnection (as in some messaging apps' built-in
// browsers). The tile plays the same camera over plain HTTP (fragmented MP4 into Media Source
// Extensions), says so, keeps to the live edge, and the rest of the visit goes straight to HTTP.
// (With ICE-TCP offered, as by default, WebRTC itself gets through: live-ice-tcp.test.mjs.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE_URL, launch, phone, hydrated, venueWithCameras } from './browser.mjs';
import { ROOT, Stack, freePort } from './stack.mjs';

const BIN = process.env.MINGCHU_BIN;
const SITE = process.env.MINGCHU_SITE_ROOT ?? join(ROOT, 'target', 'site');

const browsers = [];
let stack;
after(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  stack?.cleanup();
});

async function browserWith(args) {
  const browser = await launch(args);
  browsers.push(browser);
  return browser;
}

/** A phone on the venue's page, hydrated, with its live-video requests recorded. */
async function openVenue(browser, venue, initScript, base = BASE_URL) {
  const opened = await phone(browser);
  const requests = [];
  opened.context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/whep/') || path.startsWith('/live/')) requests.push({ method: r.method(), path });
  });
  if (initScript) await opened.context.addInitScript(initScript);
  await opened.page.goto(`${base}/venues/${venue.id}`);
  await hydrated(opened.page);
  return { ...opened, requests };
}

/** The first tile, scrolled into view, once it plays; its locator and camera. */
async function firstTileLive(page, timeout = 40_000) {
  const tile = page.locator('.live-tile').first();
  await tile.scrollIntoViewIfNeeded();
  const camera = await tile.getAttribute('data-live-camera');
  try {
    await page.waitForFunction((el) => el.dataset.state === 'live', await tile.elementHandle(), { timeout });
  } catch (e) {
    assert.fail(`camera ${camera} stayed "${await tile.getAttribute('data-state')}" instead of live: ${e.message}`);
  }
  return { tile, camera };
}

/** The tile's video: frames shown, playhead, picture size, and how far behind the newest buffered picture. */
const videoOf = (tile) => tile.locator('video').evaluate((v) => ({
  shown: v.getVideoPlaybackQuality().totalVideoFrames,
  time: v.currentTime,
  width: v.videoWidth,
  height: v.videoHeight,
  behind: v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : null,
  srcObject: v.srcObject !== null,
}));

/** Checks that the tile really plays over HTTP: frames keep coming, near the live edge. */
async function assertPlaysOverHttp(page, tile, camera, requests) {
  assert.equal(await tile.getAttribute('data-transport'), 'http');
  assert.equal((await tile.locator('.live-badge').textContent()).trim(), '直播中');
  assert.equal((await tile.locator('.live-via').textContent()).trim(), '兼容模式 · HTTP');
  assert.ok(await tile.locator('.live-via').isVisible(), 'the tile says it is in compatibility mode');
  assert.ok(requests.some((r) => r.method === 'GET' && r.path === `/live/${camera}/stream.mp4`), 'the tile asked for the HTTP stream');
  const first = await videoOf(tile);
  await page.waitForTimeout(2_000);
  const second = await videoOf(tile);
  assert.equal(second.srcObject, false, 'no WebRTC stream feeds the video');
  assert.ok(second.width > 0 && second.height > 0, `picture size ${second.width}×${second.height}`);
  assert.ok(second.shown > first.shown, `frames shown grew: ${first.shown} → ${second.shown}`);
  assert.ok(second.time > first.time + 1, `playback advanced: ${first.time} → ${second.time}`);
  // The player jumps ahead past a second behind; allow for a picture in flight.
  assert.ok(second.behind !== null && second.behind < 1.5, `${second.behind} s behind the newest picture`);
}

test('on a network that drops UDP, to a server without ICE-TCP, the tile tries WebRTC, then plays over HTTP and says so', {
  skip: BIN ? false : 'set MINGCHU_BIN to the mingchu binary (scripts/test.sh does)',
}, async () => {
  // A server of the spec's own that offers UDP only (a site that opened no TCP media port).
  stack = new Stack(BIN, SITE);
  stack.mingchu('seed-demo');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await stack.startServer(port, ['--webrtc-transport', 'udp', '--analyse', 'off']);
  // Debian's Chromium reads the policy from --webrtc-ip-handling-policy, and
  // --force-webrtc-ip-handling-policy (a switch) makes it win over the profile's preference.
  const browser = await browserWith(['--force-webrtc-ip-handling-policy', '--webrtc-ip-handling-policy=disable_non_proxied_udp']);
  const venue = await venueWithCameras(base);
  const { context, page, requests } = await openVenue(browser, venue, undefined, base);
  const { tile, camera } = await firstTileLive(page);
  await assertPlaysOverHttp(page, tile, camera, requests);
  const tried = requests.filter((r) => r.path.startsWith(`/whep/${camera}`));
  assert.ok(tried.some((r) => r.method === 'POST'), 'WebRTC was tried first');
  assert.ok(tried.some((r) => r.method === 'DELETE'), 'the WebRTC session that could not connect was ended');

  // The rest of the visit goes straight to HTTP: no new WHEP offer on the next page.
  const before = requests.length;
  await page.reload();
  await hydrated(page);
  const again = await firstTileLive(page, 20_000);
  assert.equal(await again.tile.getAttribute('data-transport'), 'http');
  const later = requests.slice(before);
  assert.ok(!later.some((r) => r.path.startsWith('/whep/')), `no WebRTC tried again: ${JSON.stringify(later)}`);
  await context.close();
});

test('in a browser without RTCPeerConnection, the tile plays over HTTP at once', async () => {
  const browser = await browserWith([]);
  const venue = await venueWithCameras();
  const { context, page, errors, requests } = await openVenue(browser, venue, () => {
    delete window.RTCPeerConnection;
    delete window.webkitRTCPeerConnection;
  });
  assert.equal(await page.evaluate(() => typeof window.RTCPeerConnection), 'undefined');
  const { tile, camera } = await firstTileLive(page, 20_000);
  await assertPlaysOverHttp(page, tile, camera, requests);
  assert.ok(!requests.some((r) => r.path.startsWith('/whep/')), 'no WHEP offer without WebRTC');
  assert.deepEqual(errors, []);

  // Leaving the tile's view stops the download; coming back starts it again.
  await page.setViewportSize({ width: 390, height: 160 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction((el) => el.dataset.state === 'paused', await tile.elementHandle(), { timeout: 10_000 });
  await page.setViewportSize({ width: 390, height: 844 });
  await firstTileLive(page, 20_000);
  assert.equal(requests.filter((r) => r.path === `/live/${camera}/stream.mp4`).length, 2, 'one download per watch');
  await context.close();
});
