// The enforcement loop in real Chromium, against a server of its own with the demo district:
// an inspector on a 1024x768 tablet runs a remote patrol (the venue's camera plays live; its
// current frame is kept as evidence), records the problem and issues a rectification order; the
// printed notice lays out on one A4 page (a PDF from the print layout, and a screenshot of it);
// the venue's operator replies with a photo; the inspector verifies through the camera and
// closes the order; the venue's public page shows the timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hydrated } from './browser.mjs';
import { ROOT, freePort } from './stack.mjs';
import { ownStack } from './own-stack.mjs';
import { TABLET, fitsTheWidth, signIn } from './console.mjs';

const OUT = process.env.MINGCHU_E2E_OUT ?? join(ROOT, 'end2end', 'test-results');

let browser;
let stack;
const { skip } = ownStack((made) => ({ browser, stack } = made));

/** An operating venue office 1 covers with a public, simulated (always live) camera. */
function liveVenue(database) {
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(*db.execute("""
  WITH RECURSIVE below (id) AS (
    SELECT jurisdiction_id FROM supervision_offices WHERE id = 1
    UNION SELECT j.id FROM jurisdictions j JOIN below ON j.parent_id = below.id)
  SELECT v.id, c.id FROM cameras c JOIN venues v ON v.id = c.venue_id
  WHERE v.jurisdiction_id IN (SELECT id FROM below) AND v.status = 'operating'
    AND c.is_public = 1 AND c.source_url IS NULL ORDER BY v.id, c.id LIMIT 1""").fetchone())
`;
  const [venue, camera] = execFileSync('python3', ['-c', script, database], { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { venue, camera };
}

test('a remote patrol finds a problem, the order is printed, replied with a photo, verified and public', { skip, timeout: 240_000 }, async () => {
  stack.mingchu('seed-demo');
  const { venue, camera } = liveVenue(join(stack.dir, 'data', 'mingchu.db'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const linkOf = (printed) => `${base}/account/password/${printed.split('/').pop()}`;
  const inspectorLink = linkOf(stack.mingchu('user', 'add', '--login', 'wang.fang', '--name', '王芳', '--role', 'inspector', '--office', '1'));
  const operatorLink = linkOf(stack.mingchu('user', 'add', '--login', 'chef', '--name', '店长', '--role', 'operator', '--venue', String(venue)));
  await stack.startServer(port);

  const desk = await browser.newContext({ viewport: TABLET, locale: 'zh-CN' });
  const page = await desk.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await signIn(page, inspectorLink, 'wang.fang', '明厨亮灶-守护舌尖安全');

  // A remote patrol of the venue, by list.
  await page.locator('.console-nav a', { hasText: '巡查' }).click();
  await page.waitForURL(/\/console\/patrols$/);
  assert.ok(await fitsTheWidth(page), 'the patrol page fits a tablet');
  await page.locator('#pn-title').fill('远程巡查（演示）');
  await page.locator('#pn-venues').fill(String(venue));
  await Promise.all([page.waitForURL(/\/console\/patrols\/\d+$/), page.getByRole('button', { name: '新建任务' }).click()]);
  await Promise.all([page.waitForURL(/\/console\/patrols\/visits\/\d+$/), page.getByRole('link', { name: '开始巡查' }).click()]);
  await hydrated(page);
  const tile = page.locator(`.live-tile[data-live-camera="${camera}"]`);
  await tile.scrollIntoViewIfNeeded();
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'live', `.live-tile[data-live-camera="${camera}"]`, { timeout: 30_000 });
  const cameraBox = page.locator(`.patrol-camera[data-camera="${camera}"]`);
  await Promise.all([page.waitForURL(/#evidence$/), cameraBox.getByRole('button', { name: '抓取当前画面取证' }).click()]);
  const evidence = page.locator('#evidence li[data-evidence] img').first();
  await evidence.waitFor();
  assert.ok(await evidence.evaluate((img) => img.complete && img.naturalWidth > 0), 'the frame kept shows');
  await page.locator('#pr-category').selectOption('staff_hygiene');
  await page.locator('#pr-problem').fill('切配间员工未戴口罩');
  await page.locator('#pr-evidence').selectOption({ index: 1 });
  await Promise.all([page.waitForURL(/done=\d+/), page.getByRole('button', { name: '发现问题', exact: true }).click()]);
  assert.equal(await page.locator('[data-result="problems"]').count(), 1);

  // The order on what was found.
  await Promise.all([page.waitForURL(/\/console\/orders\/new\?venue=/), page.getByRole('link', { name: '下达整改通知' }).click()]);
  assert.ok(await page.locator('input[name="violation"]').first().isChecked(), 'the patrol\'s violation is named');
  await page.locator('#of-requirement').fill('规范佩戴口罩，开展从业人员卫生培训并留存记录。');
  await page.locator('input[name="clause"][value="fsl-33"]').check();
  await Promise.all([page.waitForURL(/\/console\/orders\/\d+\?done=issued$/), page.getByRole('button', { name: '下达整改通知' }).click()]);
  const order = Number(new URL(page.url()).pathname.split('/').pop());
  assert.equal(await page.locator('dd[data-state]').getAttribute('data-state'), 'issued');

  // The notice, printed: one A4 page, with the office, the number and the QR code.
  const print = await desk.newPage();
  await print.goto(`${base}/console/orders/${order}/print`);
  await print.emulateMedia({ media: 'print' });
  assert.match(await print.locator('.notice-a4 h1').textContent(), /责令改正通知书/);
  assert.match(await print.locator('.notice-number').textContent(), /整改〔\d{4}〕第\d{4}号/);
  assert.equal(await print.locator('.notice-qr svg').count(), 1);
  assert.equal(await print.locator('.site-header').evaluate((el) => getComputedStyle(el).display), 'none', 'no site header on paper');
  const pdf = await print.pdf({ preferCSSPageSize: true, printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 1, 'the notice fits one A4 page');
  const box = pdf.toString('latin1').match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  assert.ok(box && Math.abs(Number(box[1]) - 595.3) < 2 && Math.abs(Number(box[2]) - 841.9) < 2, `A4 (${box?.[1]}×${box?.[2]} pt)`);
  mkdirSync(OUT, { recursive: true });
  await print.setViewportSize({ width: 794, height: 1123 });
  writeFileSync(join(OUT, 'rectification-notice-a4.png'), await print.screenshot({ fullPage: true }));
  writeFileSync(join(OUT, 'rectification-notice.pdf'), pdf);
  await print.close();

  // The operator replies from the inbox's notice, with a photo.
  const venueSide = await browser.newContext({ viewport: TABLET, locale: 'zh-CN' });
  const op = await venueSide.newPage();
  await signIn(op, operatorLink, 'chef', '后厨干净整洁每一天都好');
  await op.locator('.console-nav a', { hasText: '消息' }).click();
  const notice = op.locator('.inbox-item[data-kind="order_issued"]');
  await notice.waitFor();
  await Promise.all([op.waitForURL(new RegExp(`/console/orders/${order}$`)), notice.getByRole('link', { name: '查看并回复' }).click()]);
  await op.locator('#os-note').fill('已为全体员工配发口罩并完成培训，照片见附件。');
  await op.locator('#os-photos').setInputFiles(join(ROOT, 'models', 'testdata', 'chelsea.jpg'));
  await Promise.all([op.waitForURL(/done=reply$/), op.getByRole('button', { name: '提交整改回复' }).click()]);
  const photo = op.locator('.order-steps li[data-step="reply"] img');
  await photo.waitFor();
  assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the reply\'s photo shows');
  await venueSide.close();

  // The inspector verifies through the camera and closes it.
  await page.goto(`${base}/console/orders/${order}`);
  await page.locator('#ov-camera').selectOption(String(camera));
  await Promise.all([page.waitForURL(/done=accept$/), page.getByRole('button', { name: '验收通过' }).click()]);
  assert.equal(await page.locator('dd[data-state]').getAttribute('data-state'), 'closed');
  assert.equal(await page.locator('.order-steps li[data-step="accept"] img').count(), 1, 'the frame verified on is kept');
  assert.deepEqual(errors, []);
  await desk.close();

  // The public page: the violation, its picture, the order rectified and the venue's reply.
  const citizen = await browser.newContext({ locale: 'zh-CN' });
  const pub = await citizen.newPage();
  await pub.goto(`${base}/venues/${venue}#order-${order}`);
  const entry = pub.locator(`#order-${order}`);
  await entry.waitFor();
  assert.match(await entry.textContent(), /从业人员卫生/);
  assert.match(await entry.locator('.order-standing').textContent(), /已于\d{4}-\d{2}-\d{2}整改完成/);
  assert.match(await entry.locator('.order-reply').textContent(), /已为全体员工配发口罩/);
  assert.ok(await entry.locator('img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the evidence picture is public');
  await citizen.close();
});
