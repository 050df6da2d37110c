// Live kitchen video in a real browser: a public camera's tile plays over WHEP and really
// decodes frames, and it ends its session when it leaves the screen or the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, hydrated, venueWithCameras } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The player keeps its peer connection inside WebAssembly; this init script records every
// connection the page creates so the spec can read their statistics.
function recordPeerConnections() {
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
}

/** A phone on that venue's page, hydrated, recording peer connections and WHEP traffic. */
async function openVenue(venue) {
  const opened = await phone(browser);
  const whep = [];
  opened.page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/whep/')) whep.push(r);
  });
  await opened.context.addInitScript(recordPeerConnections);
  await opened.page.goto(`${BASE_URL}/venues/${venue.id}`);
  await hydrated(opened.page);
  return { ...opened, whep };
}

/** Waits until the tile of `camera` shows `state`, saying which state it was in if not. */
async function waitForState(page, camera, state, timeout = 30_000) {
  const selector = `.live-tile[data-live-camera="${camera}"]`;
  try {
    await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.dataset.state === want,
      [selector, state], { timeout });
  } catch (e) {
    const now = await page.locator(selector).getAttribute('data-state', { timeout: 1_000 }).catch(() => 'gone');
    assert.fail(`camera ${camera} stayed "${now}" instead of becoming "${state}": ${e.message}`);
  }
}

/** Frames decoded so far by the peer connection that feeds this tile's video (getStats). */
const framesDecoded = (tile) => tile.evaluate(async (el) => {
  const track = el.querySelector('video').srcObject?.getVideoTracks()[0];
  if (!track) return null;
  const pc = window.__pcs.find((p) => p.connectionState !== 'closed'
    && p.getReceivers().some((r) => r.track?.id === track.id));
  if (!pc) return null;
  let frames = null;
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.framesDecoded;
  });
  return frames;
});

/** Resolves with the DELETE that ends a session of `camera`, once the server has answered it
 * (watched on the whole browser context: a page being left sends it as it unloads). */
const sessionEnded = (page, camera) => page.context().waitForEvent('response', {
  predicate: (r) => r.request().method() === 'DELETE'
    && new RegExp(`^/whep/${camera}/sessions/[^/]+$`).test(new URL(r.url()).pathname),
  timeout: 15_000,
});

/** The first live tile, scrolled into view and playing; returns its locator and camera id. */
async function firstTileLive(page) {
  const tile = page.locator('.live-tile').first();
  await tile.scrollIntoViewIfNeeded();
  const camera = await tile.getAttribute('data-live-camera');
  await waitForState(page, camera, 'live');
  return { tile, camera };
}

test('a public camera plays live and its frames are really decoded', async () => {
  const venue = await venueWithCameras();
  const { context, page, errors, whep } = await openVenue(venue);
  const tiles = page.locator('.live-tile');
  assert.equal(await tiles.count(), venue.camera_count, 'one tile per public camera');
  assert.match(await tiles.first().locator('video').getAttribute('poster'), /^\/api\/cameras\/\d+\/snapshot\.jpg$/);

  const { tile, camera } = await firstTileLive(page);
  assert.equal((await tile.locator('.live-badge').textContent()).trim(), '直播中');

  const offer = whep.find((r) => r.request().method() === 'POST'
    && new URL(r.url()).pathname === `/whep/${camera}`);
  assert.ok(offer, 'the tile posted its offer');
  assert.equal(offer.status(), 201);
  assert.equal(offer.request().headers()['content-type'], 'application/sdp');
  assert.match(offer.headers().location, new RegExp(`^/whep/${camera}/sessions/[^/]+$`));

  const first = await framesDecoded(tile);
  const time = await tile.locator('video').evaluate((v) => v.currentTime);
  await page.waitForTimeout(1_000);
  const second = await framesDecoded(tile);
  assert.ok(Number.isFinite(first) && first > 0, `frames decoded at first: ${first}`);
  assert.ok(second > first, `frames decoded grew: ${first} → ${second}`);
  const video = await tile.locator('video').evaluate((v) => ({
    width: v.videoWidth, height: v.videoHeight, time: v.currentTime, shown: v.getVideoPlaybackQuality().totalVideoFrames,
  }));
  assert.ok(video.width > 0 && video.height > 0, `picture size ${video.width}×${video.height}`);
  assert.ok(video.time > time, `playback advanced: ${time} → ${video.time}`);
  assert.ok(video.shown > 0, 'frames shown');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a tile that leaves the screen pauses, ends its session and resumes when back', async () => {
  const venue = await venueWithCameras();
  const { context, page, errors } = await openVenue(venue);
  const { tile, camera } = await firstTileLive(page);

  // A short window scrolled to the top leaves the cameras card below the fold.
  const ended = sessionEnded(page, camera);
  await page.setViewportSize({ width: 390, height: 160 });
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.ok(await tile.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight), 'tile off-screen');
  await waitForState(page, camera, 'paused');
  assert.equal((await ended).status(), 204, 'the server ended the session');
  assert.equal((await tile.locator('.live-badge').textContent()).trim(), '已暂停');

  await page.setViewportSize({ width: 390, height: 844 });
  await tile.scrollIntoViewIfNeeded();
  await waitForState(page, camera, 'live');
  assert.ok(await framesDecoded(tile) > 0, 'a new session decodes frames');
  assert.deepEqual(errors, []);
  await context.close();
});

test('leaving the venue page ends the session', async () => {
  const venue = await venueWithCameras();
  const { context, page, errors, whep } = await openVenue(venue);
  const { camera } = await firstTileLive(page);

  // Leaving is a page load: the player ends its session as the page is hidden, with a
  // keepalive DELETE that outlives the page (the browser no longer reports it to the page).
  const created = whep.filter((r) => r.request().method() === 'POST' && r.status() === 201
    && r.url().includes(`/whep/${camera}`));
  assert.ok(created.length > 0, 'the tile had a session');
  const session = new URL(created.at(-1).headers()['location'], BASE_URL).href;
  await page.locator('.brand').click();
  await page.waitForURL(`${BASE_URL}/`);
  assert.equal(await page.locator('.live-tile').count(), 0);
  // The server says the session is gone within seconds (ICE alone would take far longer).
  const gone = async () => (await fetch(session, {
    method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: '',
  })).status === 404;
  let ended = false;
  for (let i = 0; i < 50 && !ended; i++) {
    ended = await gone();
    if (!ended) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(ended, 'the server ended the session when the page was left');
  assert.deepEqual(errors, []);
  await context.close();
});
