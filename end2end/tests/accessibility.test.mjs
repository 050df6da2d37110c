// Accessibility on a phone: axe-core (npm) runs in Chromium on the home, venue, complaint,
// tracking and programme pages and the staff sign-in page, hydrated, in both languages; no serious or critical
// violation is allowed. Video tiles need a text alternative and grade faces a label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { BASE_URL, launch, phone, hydrated, venueWithCameras } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Serious and critical violations on the page as it is now, one line each. */
async function violations(page) {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  });
  return found;
}

/** Files one complaint through the form and returns its tracking page's path. */
async function aComplaint(page, venue) {
  await page.goto(`${BASE_URL}/complaints/new?venue=${venue}`);
  await hydrated(page);
  const form = page.locator('form.complaint-form');
  await form.locator('#c-category').selectOption('hygiene');
  await form.locator('#c-description').fill('后厨地面有积水，员工未戴帽子（无障碍检查）。');
  await form.locator('#c-occurred').fill('2026-11-20T12:00');
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/\/complaints\/MC-[^/?]+\?new=1$/);
  return new URL(page.url()).pathname;
}

test('no serious or critical accessibility violations on the citizen pages, in both languages', async () => {
  const venue = await venueWithCameras();
  const { context, page, errors } = await phone(browser);
  const tracking = await aComplaint(page, venue.id);
  const paths = ['/', `/venues/${venue.id}`, '/complaints', `/complaints/new?venue=${venue.id}`, tracking, '/programme',
    '/account/login'];
  const problems = [];
  for (const lang of ['zh-CN', 'en']) {
    await page.goto(`${BASE_URL}/lang/${lang}?next=/`);
    for (const path of paths) {
      await page.goto(`${BASE_URL}${path}`);
      await hydrated(page);
      for (const v of await violations(page)) problems.push(`${lang} ${path}: ${v}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('video tiles have a text alternative and grade faces a label', async () => {
  const venue = await venueWithCameras();
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/venues/${venue.id}`);
  await hydrated(page);
  const tiles = await page.evaluate(() => [...document.querySelectorAll('.live-tile video')].map((v) => ({
    label: v.getAttribute('aria-label') ?? '',
    labelledBy: v.getAttribute('aria-labelledby') ?? '',
  })));
  assert.ok(tiles.length > 0, 'the venue has live tiles');
  for (const tile of tiles) {
    const text = tile.label || (await page.evaluate((ids) => ids.split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim(), tile.labelledBy));
    assert.ok(text.length > 0, `a video tile says what it shows: ${JSON.stringify(tile)}`);
  }
  const faces = await page.evaluate(() => [...document.querySelectorAll('.grade')].map((g) => ({
    grade: g.dataset.grade,
    name: g.getAttribute('aria-label') || g.textContent.trim(),
  })));
  assert.ok(faces.length >= 2, 'grade faces in the header and the grades card');
  for (const face of faces) assert.ok(face.name.length > 0, `grade face ${face.grade} is labelled`);
  assert.deepEqual(errors, []);
  await context.close();
});
