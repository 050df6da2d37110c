// The portal on a phone: the header fits one line at 360 pixels in both languages, and a venue
// page shows its name, grade face and live kitchen in the first screen (390×844), with and
// without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, phone, hydrated, venueWithCameras } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the header fits one line at 360 pixels in Chinese and in English', async () => {
  for (const lang of ['zh-CN', 'en']) {
    const { context, page, errors } = await phone(browser, { viewport: { width: 360, height: 740 } });
    await page.goto(`${BASE_URL}/lang/${lang}?next=/`);
    await hydrated(page);
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    const layout = await page.evaluate(() => {
      const header = document.querySelector('.site-header');
      const box = (el) => el.getBoundingClientRect();
      const parts = ['.brand-name', '.site-nav', '.lang-switch'].map((s) => header.querySelector(s));
      return {
        pageWidth: document.documentElement.scrollWidth,
        headerHeight: box(header).height,
        nameLines: parts[0].getClientRects().length,
        nameHeight: box(parts[0]).height,
        nameFontSize: parseFloat(getComputedStyle(parts[0]).fontSize),
        centres: parts.map((el) => { const b = box(el); return b.top + b.height / 2; }),
        rights: parts.map((el) => box(el).right),
        overflowing: [...header.querySelectorAll('*')]
          .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible')
          .map((el) => el.className),
      };
    });
    assert.ok(layout.pageWidth <= 360, `${lang}: no sideways scrolling (${layout.pageWidth} px)`);
    assert.equal(layout.nameLines, 1, `${lang}: the name on one line`);
    assert.ok(layout.nameHeight < layout.nameFontSize * 1.6, `${lang}: the name is not wrapped (${layout.nameHeight} px)`);
    assert.ok(layout.headerHeight <= 60, `${lang}: one row of header (${layout.headerHeight} px)`);
    const [name, nav, switcher] = layout.centres;
    assert.ok(Math.abs(name - nav) < 6 && Math.abs(name - switcher) < 6, `${lang}: name, links and switch on one line ${layout.centres}`);
    assert.ok(Math.max(...layout.rights) <= 360, `${lang}: nothing cut at the right edge ${layout.rights}`);
    assert.deepEqual(layout.overflowing, [], `${lang}: no text cut inside the header`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a venue page shows its name, grade face and live kitchen in the first screen', async () => {
  const venue = await venueWithCameras();
  for (const javaScriptEnabled of [true, false]) {
    const { context, page, errors } = await phone(browser, { javaScriptEnabled });
    await page.goto(`${BASE_URL}/venues/${venue.id}`);
    if (javaScriptEnabled) await hydrated(page);
    await page.locator('h1', { hasText: venue.name }).waitFor();
    const at = await page.evaluate(() => {
      const box = (s) => { const el = document.querySelector(s); return el && el.getBoundingClientRect(); };
      return {
        name: box('.venue-header h1'), grade: box('.venue-header .grade'), live: box('.live-frame'),
        licence: box('.licence'), screen: window.innerHeight,
      };
    });
    const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
    assert.equal(at.screen, 844);
    for (const [what, box] of [['name', at.name], ['grade face', at.grade], ['live kitchen', at.live]]) {
      assert.ok(box, `${mode}: ${what} shown`);
      assert.ok(box.top >= 0 && box.bottom <= at.screen, `${mode}: ${what} in the first screen (${box.top}-${box.bottom})`);
    }
    assert.ok(at.licence.top > at.live.bottom, `${mode}: the licence comes after the live kitchen`);
    assert.ok(await page.locator('.venue-header .grade').getAttribute('data-grade'), 'the grade face is labelled by its grade');
    assert.deepEqual(errors, []);
    await context.close();
  }
});
