// The annual evaluation report in real Chromium, on the demo district's year (its checks, its
// patrols and orders, this year's targets set last December): an inspector on a tablet opens
// the own office's report and an administrator the programme's; every indicator shown equals
// the API's; the print layout drops the site's chrome and lays out on A4 (a PDF and a
// screenshot of it are kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort } from './stack.mjs';
import { ownStack } from './own-stack.mjs';
import { TABLET, fitsTheWidth, signIn } from './console.mjs';

const OUT = process.env.MINGCHU_E2E_OUT ?? join(ROOT, 'end2end', 'test-results');
const PASSWORD = '明厨亮灶-守护舌尖安全';

let browser;
let stack;
const { skip } = ownStack((made) => ({ browser, stack } = made));

/** The indicators the page shows: code → the number behind it (4 places), or '' for none. */
const shown = (page) =>
  page.locator('.report-table tr[data-indicator]').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.indicator, { actual: r.dataset.actual, target: r.dataset.target }])));

const four = (v) => (v === null || v === undefined ? '' : v.toFixed(4));

test('the annual report of an office and of the programme, as served and on A4', { skip, timeout: 240_000 }, async () => {
  stack.mingchu('seed-demo');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const linkOf = (printed) => `${base}/account/password/${printed.split('/').pop()}`;
  const inspectorLink = linkOf(stack.mingchu('user', 'add', '--login', 'wang.fang', '--name', '王芳', '--role', 'inspector', '--office', '1'));
  const adminLink = linkOf(stack.mingchu('user', 'add', '--login', 'admin', '--name', '管理员', '--role', 'administrator'));
  const token = stack.mingchu('token', 'create', '--login', 'admin', '--name', 'e2e', '--scope', 'read').trim();
  await stack.startServer(port);
  const year = new Date().getFullYear();
  const api = async (scope) => {
    const res = await fetch(`${base}/api/v1/report?year=${year}&scope=${scope}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    return res.json();
  };
  const same = (onPage, served, who) => {
    for (const row of served.indicators) {
      assert.deepEqual(onPage[row.code], { actual: four(row.actual), target: four(row.target) }, `${who}: ${row.code}`);
    }
  };

  // The inspector's own office, on a tablet.
  const desk = await browser.newContext({ viewport: TABLET, locale: 'zh-CN' });
  const page = await desk.newPage();
  await signIn(page, inspectorLink, 'wang.fang', PASSWORD);
  await page.goto(`${base}/console/report?year=${year}`);
  assert.equal(await page.locator('.report-a4').getAttribute('data-scope'), 'office:1', 'an inspector gets the own office');
  const office = await api('office:1');
  same(await shown(page), office, 'office 1');
  assert.ok(office.indicators.some((r) => r.target !== null && r.actual !== null), 'targets and actuals');
  assert.ok(office.figures.online.days > 200, `a year of checks (${office.figures.online.days} days)`);
  assert.equal(await page.locator('.report-problems a').count(), office.problems.length, 'every problem links to its evidence');
  assert.ok(await fitsTheWidth(page), 'the report fits a tablet');
  const missed = await page.locator('tr.report-missed').count();
  assert.equal(missed, office.indicators.filter((r) => r.met === false).length);

  // The administrator's programme report, printed.
  const admin = await browser.newContext({ viewport: TABLET, locale: 'zh-CN' });
  const print = await admin.newPage();
  await signIn(print, adminLink, 'admin', PASSWORD);
  await print.goto(`${base}/console/report?year=${year}&scope=programme`);
  const programme = await api('programme');
  same(await shown(print), programme, 'programme');
  assert.match(await print.locator('.report-a4 h1').textContent(), new RegExp(`${year}年度“互联网\\+明厨亮灶”绩效评价报告`));
  // The demo's year has problems to name: key venues left unpatrolled in a quarter, orders overdue.
  assert.ok(programme.problems.some((p) => p.kind === 'low_patrol_coverage' || p.kind === 'overdue_order'));
  await print.emulateMedia({ media: 'print' });
  for (const chrome of ['.site-header', '.console-nav', '.report-query', '.report-targets']) {
    const hidden = await print.locator(chrome).first().evaluate((el) => getComputedStyle(el).display).catch(() => 'none');
    assert.equal(hidden, 'none', `${chrome} is not printed`);
  }
  const pdf = await print.pdf({ preferCSSPageSize: true, printBackground: true });
  const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  assert.ok(box && Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `A4 (${box?.[1]}×${box?.[2]} pt)`);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 1 && pages <= 6, `${pages} pages`);
  await print.setViewportSize({ width: 794, height: 1123 });
  assert.ok(await fitsTheWidth(print), 'the printed report fits the width of A4');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'annual-report-a4.png'), await print.screenshot({ fullPage: true }));
  writeFileSync(join(OUT, 'annual-report.pdf'), pdf);
  await desk.close();
  await admin.close();
});
