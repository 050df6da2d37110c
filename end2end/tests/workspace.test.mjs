// The workspace in real Chromium on a 1024x768 tablet, against a server of its own: an inspector
// sets a password from the one-time link, signs in, confirms one AI capture and dismisses another
// on the review desk (no script on these pages); the venue's operator signs in and finds the
// confirmed finding, with its picture, in the inbox; a citizen's complaint is accepted on the
// complaint desk and the citizen's tracking page shows the update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { phone, hydrated } from './browser.mjs';
import { ROOT, freePort } from './stack.mjs';
import { ownStack } from './own-stack.mjs';
import { TABLET, fitsTheWidth, signIn } from './console.mjs';

let browser;
let stack;
const { skip } = ownStack((made) => ({ browser, stack } = made));

/** Two captures on a camera of a venue office 1 covers, as frame analysis stores them (the
 * picture is a real JPEG of a cat); returns the venue and the captures' ids. */
function storeCaptures(database) {
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
camera, venue = db.execute("""
  WITH RECURSIVE below (id) AS (
    SELECT jurisdiction_id FROM supervision_offices WHERE id = 1
    UNION SELECT j.id FROM jurisdictions j JOIN below ON j.parent_id = below.id)
  SELECT c.id, c.venue_id FROM cameras c JOIN venues v ON v.id = c.venue_id
  WHERE v.jurisdiction_id IN (SELECT id FROM below) AND v.status = 'operating' ORDER BY c.id LIMIT 1""").fetchone()
jpeg = open(sys.argv[2], 'rb').read()
boxes = '[{"label":"cat","score":0.91,"bbox":{"x0":0.2,"y0":0.1,"x1":0.8,"y1":0.9}}]'
ids = []
for at, category in (("2026-12-01T02:00:00.000Z", "animal"), ("2026-12-01T02:05:00.000Z", "phone")):
    ids.append(db.execute("INSERT INTO capture_events (camera_id, at, category, confidence, boxes, snapshot) "
                          "VALUES (?, ?, ?, 0.91, ?, ?) RETURNING id", (camera, at, category, boxes, jpeg)).fetchone()[0])
db.commit()
print(venue, *ids)
`;
  const out = execFileSync('python3', ['-c', script, database, join(ROOT, 'models', 'testdata', 'chelsea.jpg')], { encoding: 'utf8' });
  const [venue, confirmThis, dismissThis] = out.trim().split(' ').map(Number);
  return { venue, confirmThis, dismissThis };
}

test('an inspector decides captures on the review desk, the operator finds the finding in the inbox, a complaint is accepted', { skip, timeout: 180_000 }, async () => {
  stack.mingchu('seed-demo');
  const { venue, confirmThis, dismissThis } = storeCaptures(join(stack.dir, 'data', 'mingchu.db'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const linkOf = (printed) => `${base}/account/password/${printed.split('/').pop()}`;
  const inspectorLink = linkOf(stack.mingchu('user', 'add', '--login', 'wang.fang', '--name', '王芳', '--role', 'inspector', '--office', '1'));
  const operatorLink = linkOf(stack.mingchu('user', 'add', '--login', 'canteen', '--name', '食堂经理', '--role', 'operator', '--venue', String(venue)));
  await stack.startServer(port);

  // A citizen complains about the venue from a phone.
  const citizen = await phone(browser);
  await citizen.page.goto(`${base}/complaints/new?venue=${venue}`);
  await hydrated(citizen.page);
  await citizen.page.locator('#c-category').selectOption('hygiene');
  await citizen.page.locator('#c-description').fill('后厨垃圾桶没有盖子，苍蝇很多。');
  await citizen.page.locator('#c-occurred').fill('2026-11-30T12:00');
  await citizen.page.locator('#c-contact').fill('13812345678');
  await Promise.all([citizen.page.waitForURL(/\/complaints\/MC-[^/?]+\?new=1$/), citizen.page.locator('form.complaint-form button[type=submit]').click()]);
  const reference = (await citizen.page.locator('.success .reference').textContent()).trim();

  // The inspector, on a tablet.
  const desk = await browser.newContext({ viewport: TABLET, locale: 'zh-CN' });
  const page = await desk.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await signIn(page, inspectorLink, 'wang.fang', '明厨亮灶-守护舌尖安全');
  assert.match(await page.locator('.console-who').textContent(), /王芳/);
  await page.locator('.console-nav a', { hasText: '抓拍审核' }).click();
  await page.waitForURL(/\/console\/captures$/);
  const card = (id) => page.locator(`.desk-card[data-capture="${id}"]`);
  await card(confirmThis).waitFor();
  await card(dismissThis).waitFor();
  assert.ok(await fitsTheWidth(page), 'the desk fits a 1024-pixel tablet');
  assert.ok(await card(confirmThis).locator('img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the snapshot shows');
  assert.equal(await page.locator('script[src]').count(), 0, 'the console loads no script');

  // Confirm one.
  await Promise.all([page.waitForURL(/done=confirmed-/), card(confirmThis).getByRole('button', { name: '确认违规' }).click()]);
  assert.match(await page.locator('p.success[role="status"]').textContent(), new RegExp(`已确认抓拍 #${confirmThis}`));
  assert.equal(await card(confirmThis).count(), 0, 'it left the queue');
  // Dismissing without a reason says what is missing; with one, it is done.
  await card(dismissThis).getByRole('button', { name: '排除', exact: true }).click();
  await page.locator('p.error[role="alert"]', { hasText: '排除抓拍需要选择原因' }).waitFor();
  await card(dismissThis).locator('select[name="reason"]').selectOption('false_pet');
  await Promise.all([page.waitForURL(/done=dismissed-/), card(dismissThis).getByRole('button', { name: '排除', exact: true }).click()]);
  assert.equal(await card(dismissThis).count(), 0);
  // The dismissed list says by whom and why; the rule's dismissed share is shown.
  await page.goto(`${base}/console/captures?state=dismissed`);
  const decided = await card(dismissThis).locator('.desk-decided').textContent();
  assert.match(decided, /误报：宠物或动物图片/);
  assert.match(decided, /王芳/);
  assert.match(await page.locator('#tuning').textContent(), /phone[\s\S]*100%/);

  // The complaint desk: accept the citizen's complaint with a public note.
  await page.locator('.console-nav a', { hasText: '投诉处理' }).click();
  await page.locator(`tr[data-complaint="${reference}"] a`).click();
  await page.waitForURL(new RegExp(`/console/complaints/${reference}$`));
  assert.match(await page.locator('.complainant').textContent(), /13812345678/, 'staff see how to reach the citizen');
  assert.ok(await fitsTheWidth(page), 'the complaint desk fits a 1024-pixel tablet');
  await page.locator('#cs-status').selectOption('accepted');
  await page.locator('#cs-note').fill('已受理，监管所将于三个工作日内现场核查。');
  await Promise.all([page.waitForURL(/\?done=1$/), page.getByRole('button', { name: '保存' }).click()]);
  assert.equal(await page.locator('dd[data-status]').getAttribute('data-status'), 'accepted');
  assert.deepEqual(errors, []);
  await desk.close();

  // The citizen's tracking page shows it.
  await citizen.page.goto(`${base}/complaints/${reference}`);
  assert.equal(await citizen.page.locator('.complaint').getAttribute('data-status'), 'accepted');
  assert.match(await citizen.page.content(), /已受理，监管所将于三个工作日内现场核查。/);
  assert.deepEqual(citizen.errors, []);
  await citizen.context.close();

  // The venue's operator, on a tablet too: the finding in the inbox, with its picture.
  const venueSide = await browser.newContext({ viewport: TABLET, locale: 'zh-CN' });
  const inbox = await venueSide.newPage();
  await signIn(inbox, operatorLink, 'canteen', '后厨干净整洁每一天都好');
  assert.equal(await inbox.locator('.console-nav a', { hasText: '抓拍审核' }).count(), 0, 'no review desk for operators');
  await inbox.locator('.console-nav a', { hasText: '消息' }).click();
  const notice = inbox.locator('.inbox-item[data-kind="finding"]');
  await notice.waitFor();
  assert.equal(await notice.count(), 1, 'only the confirmed capture, not the dismissed one');
  assert.match(await notice.locator('h3').textContent(), /监管人员确认问题：animal/);
  assert.ok(await notice.locator('img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the finding\'s picture shows');
  assert.ok(await fitsTheWidth(inbox), 'the inbox fits a 1024-pixel tablet');
  await Promise.all([inbox.waitForURL(/\/console\/inbox/), notice.getByRole('button', { name: '标记为已读' }).click()]);
  assert.equal(await inbox.locator('.inbox-item.unread').count(), 0);
  await venueSide.close();
});
