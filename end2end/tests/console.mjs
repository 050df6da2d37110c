// The console as the specs use it: a tablet's viewport, signing in through a one-time link, and
// whether a page fits the screen's width.

/** A 1024x768 tablet, as inspectors use. */
export const TABLET = { width: 1024, height: 768 };

/** Sets the password on the one-time link's page, then signs in on the sign-in page. */
export async function signIn(page, link, login, password) {
  await page.goto(link);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('input[name="again"]').fill(password);
  await Promise.all([page.waitForURL(/\/account\/login\?password=set/), page.locator('form button[type="submit"]').click()]);
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL(/\/console$/), page.locator('form.account-form button[type="submit"]').click()]);
}

/** Whether the page needs no sideways scrolling. */
export const fitsTheWidth = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
