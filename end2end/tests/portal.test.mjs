// The citizen portal in a real browser: hydration, live search, venue page, no-JS fallback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, hydrated } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('home page hydrates and the search updates as you type', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/`);
  await hydrated(page);
  assert.equal(await page.locator('.venue-card').count(), 20, 'first page of demo venues');

  // Marks this document: a full page load (plain form submit) would lose the mark.
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('#q').pressSequentially('食堂', { delay: 30 });
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '食堂');
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('.venue-card')];
    return cards.length > 0 && cards.every((c) => c.dataset.kind === 'school_canteen');
  });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'results came without a page load');
  const total = Number(await page.locator('.result-count').getAttribute('data-total'));
  assert.equal(await page.locator('.venue-card').count(), total);

  // The type filter also applies at once.
  await page.locator('#q').fill('');
  await page.locator('#type').selectOption('central_kitchen');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('type') === 'central_kitchen');
  await page.waitForFunction(() => [...document.querySelectorAll('.venue-card')].every((c) => c.dataset.kind === 'central_kitchen'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a venue page shows its licence number, grade and inspections', async () => {
  const { context, page, errors } = await phone(browser);
  await page.goto(`${BASE_URL}/`);
  await hydrated(page);
  const name = (await page.locator('.venue-card .venue-name').first().textContent()).trim();
  await page.locator('.venue-card a').first().click();
  await page.waitForURL(/\/venues\/\d+$/);
  await page.locator('h1', { hasText: name }).waitFor();
  assert.match((await page.locator('.licence-number').textContent()).trim(), /^JY\d{14}$/);
  assert.ok(await page.locator('.grades .grade').count() >= 1, 'grade face shown');
  assert.ok(await page.locator('.grade-reasons .grade-basis').count() === 1, 'the reasons for the grade');
  assert.ok(await page.locator('.inspection').count() >= 1, 'inspections listed');
  // The stream honesty badge: cameras online now, the 7-day rate, last seen live.
  const badge = page.locator('.honesty');
  await badge.waitFor();
  assert.match(await badge.locator('.online-now').textContent(), /^\d+ \/ \d+$/);
  assert.match(await badge.locator('.online-rate').textContent(), /\d+\.\d%|尚未检测/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the programme page shows its headline figures, with and without JavaScript', async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { context, page, errors } = await phone(browser, { javaScriptEnabled });
    await page.goto(`${BASE_URL}/`);
    await Promise.all([page.waitForURL(/\/programme$/), page.locator('.site-nav a[href="/programme"]').click()]);
    const connected = await page.locator('[data-figure="venues-connected"] dd').textContent();
    const [done, planned] = connected.match(/\d+/g).map(Number);
    assert.ok(done > 0 && done <= planned, connected);
    assert.match(await page.locator('[data-figure="online-rate"] dd').textContent(), /\d+\.\d%/);
    assert.ok(await page.locator('.daily-rates tbody tr').count() >= 6, 'a row per day');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('search works as a plain form without JavaScript', async () => {
  const { context, page } = await phone(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/`);
  await page.locator('#q').fill('食堂');
  await Promise.all([page.waitForURL(/q=/), page.locator('#q').press('Enter')]);
  const kinds = await page.locator('.venue-card').evaluateAll((cards) => cards.map((c) => c.dataset.kind));
  assert.ok(kinds.length > 0);
  assert.ok(kinds.every((k) => k === 'school_canteen'), kinds.join());
  await page.locator('.venue-card a').first().click();
  await page.waitForURL(/\/venues\/\d+$/);
  assert.match((await page.locator('.licence-number').textContent()).trim(), /^JY\d{14}$/);
  await context.close();
});

test('the reader can switch to English and back', async () => {
  const { context, page } = await phone(browser);
  await page.goto(`${BASE_URL}/venues/2`);
  await hydrated(page);
  await page.locator('.lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(new URL(page.url()).pathname, '/venues/2', 'stays on the same page');
  await page.locator('h2', { hasText: 'Food business licence' }).waitFor();
  await hydrated(page);
  await page.locator('.lang-switch').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await context.close();
});
