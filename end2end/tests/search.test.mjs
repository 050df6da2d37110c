// Search filters on a phone: jurisdiction, grade, camera, near me; and the same without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, hydrated } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const cards = (page) => page.locator('.venue-card');
const total = async (page) => Number(await page.locator('.result-count').getAttribute('data-total'));

test('filters narrow the list and end up in a shareable URL', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/`);
  await hydrated(page);
  const everything = await total(page);

  await page.locator('#jurisdiction option[value="440310002"]').waitFor({ state: 'attached' });
  await page.locator('#jurisdiction').selectOption('440310002');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('jurisdiction') === '440310002');
  await page.waitForFunction(() => [...document.querySelectorAll('.venue-card .venue-meta')]
    .every((m) => m.textContent.includes('马峦')));
  const inStreet = await total(page);
  assert.ok(inStreet > 0 && inStreet < everything, `${inStreet} of ${everything}`);

  await page.locator('#camera').check();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('camera') === '1');
  await page.locator('#grade').selectOption('excellent');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('grade') === 'excellent');
  await page.waitForFunction(() => [...document.querySelectorAll('.venue-card .grade')]
    .filter((g) => g.closest('.venue-card-side')).every((g) => g.dataset.grade === 'excellent'));
  assert.equal(await cards(page).count(), await total(page));

  // The URL alone reproduces the result, in a fresh page.
  const url = page.url();
  const shown = await cards(page).evaluateAll((cs) => cs.map((c) => c.querySelector('.venue-name').textContent));
  const second = await context.newPage();
  await second.goto(url);
  const again = await second.locator('.venue-card').evaluateAll((cs) => cs.map((c) => c.querySelector('.venue-name').textContent));
  assert.deepEqual(again, shown);
  assert.equal(await second.locator('#jurisdiction').inputValue(), '440310002');
  assert.deepEqual(errors, []);
  await context.close();
});

test('near me sorts by distance from the phone\'s position', async () => {
  const { context, page, errors } = await phone(browser, {
    geolocation: { latitude: 22.70, longitude: 114.36 }, permissions: ['geolocation'],
  });
  await page.goto(`${BASE_URL}/`);
  await hydrated(page);
  await page.locator('#near-me').click();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('near') === '22.700000,114.360000');
  await page.locator('.distance').first().waitFor();
  const metres = await page.locator('.distance').evaluateAll((ds) => ds.map((d) => Number(d.dataset.distanceM)));
  assert.equal(metres.length, 20);
  assert.deepEqual(metres, [...metres].sort((a, b) => a - b));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a venue page shows its grade with the findings behind it', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${BASE_URL}/?grade=fair`);
  await hydrated(page);
  await page.locator('.venue-card a').first().click();
  await page.waitForURL(/\/venues\/\d+$/);
  assert.equal(await page.locator('.grades .grade').getAttribute('data-grade'), 'fair');
  // The newest inspection (which set the grade) lists its findings with points.
  const first = page.locator('.inspection').first();
  assert.equal(await first.locator('.grade').getAttribute('data-grade'), 'fair');
  assert.ok(await first.locator('.finding').count() >= 1);
  assert.match(await first.locator('.finding-points').first().textContent(), /扣\d+分/);
  // The grade card names the same findings as its reasons.
  assert.equal(await page.locator('.grade-reasons li').count(), await first.locator('.finding').count());
  assert.match(await page.locator('.grade-basis').textContent(), /^依据 \d{4}-\d{2}-\d{2}/);
  assert.match((await page.locator('.licence-number').textContent()).trim(), /^JY\d{14}$/);
  await context.close();
});

test('filters work as a plain form without JavaScript', async () => {
  const { context, page } = await phone(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/`);
  await page.locator('#type').selectOption('restaurant');
  await page.locator('#grade').selectOption('excellent');
  await page.locator('#camera').check();
  await Promise.all([page.waitForURL(/grade=excellent/), page.locator('.search button[type="submit"]').click()]);
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get('type'), 'restaurant');
  assert.equal(params.get('camera'), '1');
  const kinds = await cards(page).evaluateAll((cs) => cs.map((c) => c.dataset.kind));
  assert.ok(kinds.length > 0);
  assert.ok(kinds.every((k) => k === 'restaurant'));
  assert.equal(await page.locator('#grade').inputValue(), 'excellent');
  assert.equal(await page.locator('#near-me').count(), 0, 'no near-me button without JavaScript');
  await context.close();
});
