// Recorded video in real Chromium on a tablet, against a server of its own recording a real
// RTSP camera (GStreamer) continuously: an inspector opens an AI capture on the review desk,
// follows it to the camera's timeline (the day's recorded stretch with the capture marked),
// plays the seconds that led up to it (frames really decoded), skims at 4×, saves a still of the
// frame shown, and exports the evidence clip, whose SHA-256 matches the file and which is then
// held as the capture's evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort } from './stack.mjs';
import { ownStack } from './own-stack.mjs';
import { TABLET, fitsTheWidth, signIn } from './console.mjs';

let browser;
let stack;
const { skip } = ownStack((made) => ({ browser, stack } = made));

const sqlite = (database, script, ...args) =>
  execFileSync('python3', ['-c', `import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\n${script}`, database, ...args],
    { encoding: 'utf8' }).trim();

/** An operating venue office 1 covers. */
const venueOfOffice1 = (database) => Number(sqlite(database, `
print(db.execute("""
  WITH RECURSIVE below (id) AS (
    SELECT jurisdiction_id FROM supervision_offices WHERE id = 1
    UNION SELECT j.id FROM jurisdictions j JOIN below ON j.parent_id = below.id)
  SELECT v.id FROM venues v WHERE v.jurisdiction_id IN (SELECT id FROM below) AND v.status = 'operating'
  ORDER BY v.id LIMIT 1""").fetchone()[0])`));

/** A capture at `at` on `camera`, as frame analysis stores one (a real JPEG). */
const storeCapture = (database, camera, at) => Number(sqlite(database, `
jpeg = open(sys.argv[4], 'rb').read()
boxes = '[{"label":"cat","score":0.91,"bbox":{"x0":0.2,"y0":0.1,"x1":0.8,"y1":0.9}}]'
print(db.execute("INSERT INTO capture_events (camera_id, at, category, confidence, boxes, snapshot) "
                 "VALUES (?, ?, 'animal', 0.91, ?, ?) RETURNING id", (int(sys.argv[2]), sys.argv[3], boxes, jpeg)).fetchone()[0])
db.commit()`, String(camera), at, join(ROOT, 'models', 'testdata', 'chelsea.jpg')));

test('an inspector opens a capture, plays the seconds before it on the timeline and exports the clip', { skip, timeout: 180_000 }, async () => {
  stack.mingchu('seed-demo');
  const database = join(stack.dir, 'data', 'mingchu.db');
  const venue = venueOfOffice1(database);
  const cameraPort = await freePort();
  await stack.startCamera(cameraPort);
  const camera = Number(stack.mingchu('camera', 'add', '--venue', String(venue), '--name', '录像测试', '--area', 'cooking',
    '--url', `rtsp://127.0.0.1:${cameraPort}/cam`, '--recording', 'continuous'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const link = `${base}/account/password/${stack.mingchu('user', 'add', '--login', 'li.na', '--name', '李娜',
    '--role', 'inspector', '--office', '1').split('/').pop()}`;
  // The capture happens 12 s after recording starts; its clip reaches 20 s past it.
  const captured = new Date(Date.now() + 12_000);
  const capture = storeCapture(database, camera, captured.toISOString());
  await stack.startServer(port, ['--recording-segment-seconds', '4', '--analyse', 'off']);
  // Until the clip's end has been recorded and its file closed.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, captured.getTime() + 28_000 - Date.now())));

  const context = await browser.newContext({ viewport: TABLET, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await signIn(page, link, 'li.na', '明厨亮灶-守护舌尖安全');
  await page.goto(`${base}/console/captures`);
  const card = page.locator(`.desk-card[data-capture="${capture}"]`);
  await Promise.all([page.waitForURL(/\/console\/cameras\/\d+\/timeline\?/), card.locator('a.desk-recording').click()]);
  assert.match(page.url(), new RegExp(`/console/cameras/${camera}/timeline\\?at=.*&case=capture(:|%3A)${capture}$`));
  assert.match(await page.locator('h1').textContent(), /录像测试/);
  assert.ok(await page.locator('svg.timeline rect.timeline-recorded').count() >= 1, 'a recorded stretch is drawn');
  // On the day's line and on the hour around the moment.
  assert.equal(await page.locator('svg.timeline .timeline-mark-capture').count(), 2, 'the capture is marked');
  assert.equal(await page.locator('.timeline-events tr[data-kind="capture"]').count(), 1);
  assert.ok(await fitsTheWidth(page), 'the page fits the tablet');

  // The video starts at the seconds before the capture and really plays.
  const video = page.locator('.timeline-player video');
  const atSecond = Number(await video.getAttribute('data-at-second'));
  const playFrom = Number(await video.getAttribute('data-play-from'));
  assert.ok(atSecond > 5 && playFrom >= atSecond - 10.5 && playFrom < atSecond, `moment at ${atSecond} s, playing from ${playFrom} s`);
  await page.waitForFunction((el) => el.readyState >= 2, await video.elementHandle(), { timeout: 20_000 });
  const start = await video.evaluate((v) => v.currentTime);
  assert.ok(Math.abs(start - playFrom) < 1.5, `playback starts at ${start} s, near ${playFrom} s`);
  await video.evaluate((v) => v.play());
  await page.waitForTimeout(2_000);
  const played = await video.evaluate((v) => ({
    time: v.currentTime, width: v.videoWidth, frames: v.getVideoPlaybackQuality().totalVideoFrames,
  }));
  assert.ok(played.time > start + 1 && played.time < atSecond + 2, `played ${start} → ${played.time} s, the seconds before ${atSecond} s`);
  assert.equal(played.width, 640);
  assert.ok(played.frames > 10, `frames shown: ${played.frames}`);
  // The page's controls: 4× to skim, a frame back, and a still of exactly the frame shown.
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  await page.locator('.timeline-controls button[data-rate="4"]').click();
  assert.equal(await page.locator('.timeline-controls button[data-rate="4"]').getAttribute('aria-pressed'), 'true');
  const fast = await video.evaluate(async (v) => {
    const t0 = v.currentTime;
    await new Promise((r) => setTimeout(r, 1_000));
    return { rate: v.playbackRate, advanced: v.currentTime - t0 };
  });
  assert.equal(fast.rate, 4);
  assert.ok(fast.advanced > 2.5, `at 4x, ${fast.advanced} s of video in a second`);
  await page.locator('.timeline-frame-back').click();
  const paused = await video.evaluate((v) => ({ paused: v.paused, time: v.currentTime }));
  assert.ok(paused.paused, 'a frame step pauses');
  const [still] = await Promise.all([page.waitForEvent('download'), page.locator('.timeline-still').click()]);
  assert.match(still.suggestedFilename(), new RegExp(`^camera-${camera}-\\d{8}T\\d{6}\\.\\d{3}Z\\.png$`));
  const png = readFileSync(await still.path());
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [640, 360], 'the still is the frame at full size');

  // Exporting the clip: the file's SHA-256 is the one the server recorded, and the clip is
  // now held as the capture's evidence.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.timeline-export button').click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^camera-${camera}-\\d{8}T\\d{6}Z\\.mp4$`));
  const bytes = readFileSync(await download.path());
  assert.ok(bytes.length > 10_000, `clip of ${bytes.length} bytes`);
  assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 file');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const held = sqlite(database, `print(db.execute("SELECT case_kind || ':' || case_ref || ' ' || sha256 FROM evidence_holds").fetchone()[0])`);
  assert.equal(held, `capture:${capture} ${sha256}`);

  // The export writes, so it is a POST with this browser's CSRF field: the same request from
  // elsewhere (the inspector's cookies, no field) is refused and holds nothing more.
  const action = await page.locator('.timeline-export').getAttribute('action');
  const forged = await page.request.post(`${base}${action}`, { form: { csrf: 'forged' } });
  assert.equal(forged.status(), 403);
  assert.match(await forged.text(), /其他网站/);
  assert.equal((await page.request.get(`${base}${action}`)).status(), 405, 'never a GET');
  assert.equal(sqlite(database, `print(db.execute("SELECT count(*) FROM evidence_holds").fetchone()[0])`), '1');
  assert.deepEqual(errors, []);
  await context.close();
});
