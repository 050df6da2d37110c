// WebRTC without UDP, through ICE-TCP: a phone on a network that drops UDP (Chromium told to
// use no UDP that does not go through a proxy) watching the demo server as it runs by default,
// and a server of the spec's own that offers ICE-TCP alone (`--webrtc-transport tcp`, as a site
// whose firewall passes only TCP would run it). Either way the tile plays over WebRTC, not the
// HTTP fallback, and the browser's own statistics show that the pair it chose is TCP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, hydrated, venueWithCameras } from './browser.mjs';
import { freePort } from './stack.mjs';
import { ownStack } from './own-stack.mjs';

let browser;
let stack;
const { skip } = ownStack((made) => ({ browser, stack } = made));

/** Keeps the page's peer connections reachable, to read their statistics. */
function keepPeers() {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
}

/** Opens the venue's page at `base` and waits until its first tile plays over WebRTC. */
async function watchOverWebrtc(chromium, base) {
  const venue = await venueWithCameras(base);
  const opened = await phone(chromium);
  await opened.context.addInitScript(keepPeers);
  await opened.page.goto(`${base}/venues/${venue.id}`);
  await hydrated(opened.page);
  const tile = opened.page.locator('.live-tile').first();
  await tile.scrollIntoViewIfNeeded();
  await opened.page.waitForFunction((el) => el.dataset.state === 'live', await tile.elementHandle(), { timeout: 30_000 });
  assert.equal(await tile.getAttribute('data-transport'), 'webrtc', 'WebRTC, not the HTTP fallback');
  assert.equal((await tile.locator('.live-via').textContent()).trim(), '实时连接');
  return { ...opened, tile };
}

/** The candidate pair the browser's connection chose, from its statistics. */
const chosenPair = (page) => page.evaluate(async () => {
  for (const pc of window.__peers) {
    const stats = await pc.getStats();
    let pairId = null;
    stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });
    if (!pairId) continue;
    const pair = stats.get(pairId);
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return { local: local.protocol, tcpType: local.tcpType, remote: remote.protocol, bytes: pair.bytesReceived };
  }
  return null;
});

/** The tile plays over TCP: the chosen pair is the browser's active TCP candidate to ours, and frames keep coming. */
async function assertPlaysOverTcp(page, tile) {
  const chosen = await chosenPair(page);
  assert.ok(chosen, 'a peer connection with a selected candidate pair');
  assert.equal(chosen.local, 'tcp', JSON.stringify(chosen));
  assert.equal(chosen.remote, 'tcp', JSON.stringify(chosen));
  assert.equal(chosen.tcpType, 'active', 'the browser connected to the server, not the reverse');
  assert.ok(chosen.bytes > 10_000, `video bytes arrived over TCP: ${chosen.bytes}`);
  const shown = () => tile.locator('video').evaluate((v) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await shown();
  await page.waitForTimeout(2_000);
  const second = await shown();
  assert.ok(second > first, `frames shown grew: ${first} → ${second}`);
}

test('on a network that drops UDP, the tile still plays over WebRTC, through ICE-TCP', async () => {
  const noUdp = await launch(['--force-webrtc-ip-handling-policy', '--webrtc-ip-handling-policy=disable_non_proxied_udp']);
  try {
    const { context, page, errors, tile } = await watchOverWebrtc(noUdp, BASE_URL);
    await assertPlaysOverTcp(page, tile);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await noUdp.close();
  }
});

test('with only ICE-TCP offered, the tile plays over WebRTC on a TCP connection', { skip, timeout: 120_000 }, async () => {
  stack.mingchu('seed-demo');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await stack.startServer(port, ['--webrtc-transport', 'tcp', '--analyse', 'off']);
  const { context, page, errors, tile } = await watchOverWebrtc(browser, base);
  await assertPlaysOverTcp(page, tile);
  assert.deepEqual(errors, []);
  await context.close();
});
