// Complaints on a phone: from a venue page with JavaScript (background submission), and from
// the standalone form without JavaScript (venue search, a refused submission that keeps the
// text, then success); both end on the tracking page with the reference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { BASE_URL, launch, phone, hydrated } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A small PNG photo (a red and a blue half). */
function photo(width = 64, height = 48) {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data.set(x < width / 2 ? [220, 20, 20, 255] : [20, 20, 220, 255], i);
    }
  }
  return PNG.sync.write(png);
}

const REFERENCE = /^MC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

test('with JavaScript: complain from a venue page, get the reference, follow it', async () => {
  const { context, page, errors } = await phone(browser);
  const posts = [];
  page.on('request', (r) => { if (r.url().endsWith('/complaints/submit')) posts.push(r.headers()['accept'] ?? ''); });
  await page.goto(`${BASE_URL}/venues/3`);
  await hydrated(page);
  await page.locator('#complain summary').click();
  const form = page.locator('#complain form.complaint-form');
  await form.waitFor();

  // A photo that is too big is refused in the browser, naming it, before anything is sent.
  await form.locator('#c-photos').setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await form.locator('.form-problems', { hasText: 'huge.jpg' }).waitFor();
  await form.locator('#c-photos').setInputFiles({ name: 'kitchen.png', mimeType: 'image/png', buffer: photo() });
  await page.waitForFunction(() => !document.querySelector('#complain .form-problems'));

  await form.locator('#c-category').selectOption('hygiene');
  await form.locator('#c-description').fill('后厨地面有积水和垃圾，<b>员工</b>未戴帽子。');
  await form.locator('#c-occurred').fill('2026-11-20T12:00');
  await form.locator('#c-contact').fill('13812345678');
  await form.locator('button[type=submit]').click();

  await page.waitForURL(/\/complaints\/MC-[^/?]+\?new=1$/);
  assert.deepEqual(posts, ['application/json'], 'sent once, in the background');
  const reference = (await page.locator('.success .reference').textContent()).trim();
  assert.match(reference, REFERENCE);
  assert.equal(await page.locator('.complaint').getAttribute('data-status'), 'submitted');
  assert.match(await page.locator('.complaint-text').textContent(), /<b>员工<\/b>/, 'HTML shown as text');
  assert.match(await page.locator('.due').textContent(), /^\d{4}-\d{2}-\d{2}$/);
  const img = page.locator('.complaint-photos img');
  await img.waitFor();
  await page.waitForFunction(() => document.querySelector('.complaint-photos img').naturalWidth === 64);
  assert.equal(await page.content().then((h) => h.includes('13812345678')), false, 'contact never shown');

  // Following it later: the lookup understands the reference however it is typed.
  await page.goto(`${BASE_URL}/complaints`);
  await page.locator('#lookup-ref').fill(reference.toLowerCase().replace(/-/g, ' '));
  await page.locator('.complaints-home button[type=submit]').click();
  await page.waitForURL(`${BASE_URL}/complaints/${reference}`);
  assert.equal((await page.locator('h1 .reference').textContent()).trim(), reference);
  assert.deepEqual(errors, []);
  await context.close();
});

test('without JavaScript: find the venue, fix a refused submission, get the reference', async () => {
  const { context, page } = await phone(browser, { javaScriptEnabled: false });
  await page.goto(`${BASE_URL}/complaints/new`);
  await page.locator('#pick-q').fill('食堂');
  await page.locator('.venue-picker button[type=submit]').click();
  await page.waitForURL(/q=/);
  const first = page.locator('.pick-list a').first();
  const venueName = (await first.locator('strong').textContent()).trim();
  await first.click();
  await page.waitForURL(/\/complaints\/new\?venue=\d+$/);
  assert.equal((await page.locator('.complaint-venue strong').textContent()).trim(), venueName);

  const description = '午餐后全家腹泻呕吐，怀疑凉菜不新鲜。';
  await page.locator('#c-category').selectOption('illness');
  await page.locator('#c-description').fill(description);
  await page.locator('#c-occurred').fill('2026-11-20T12:30');
  await page.locator('#c-contact').fill('call me');
  await page.locator('#c-photos').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: photo(40, 40) });
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/complaints/submit')),
    page.locator('button[type=submit]').click(),
  ]);
  assert.equal(refused.status(), 422);
  await page.locator('.form-problems', { hasText: '联系方式' }).waitFor();
  assert.equal(await page.locator('#c-description').inputValue(), description, 'the text is kept');
  assert.equal(await page.locator('#c-category').inputValue(), 'illness');
  assert.equal(await page.locator('#c-contact').getAttribute('aria-invalid'), 'true');

  await page.locator('#c-contact').fill('someone@example.cn');
  await page.locator('#c-photos').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: photo(40, 40) });
  await page.locator('button[type=submit]').click();
  await page.waitForURL(/\/complaints\/MC-[^/?]+\?new=1$/);
  const reference = (await page.locator('.success .reference').textContent()).trim();
  assert.match(reference, REFERENCE);
  assert.equal(await page.locator('.complaint-photos img').count(), 1);
  assert.match(await page.locator('.complaint-header').textContent(), new RegExp(venueName));
  await context.close();
});
