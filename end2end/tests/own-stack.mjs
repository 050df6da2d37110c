// The set-up of a spec that runs servers of its own: Chromium and a Stack (stack.mjs) made
// before its tests and cleaned up after them, from the binary and site scripts/test.sh names.
import { before, after } from 'node:test';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { ROOT, Stack } from './stack.mjs';

/**
 * Registers the spec's before/after hooks; `use` receives `{ browser, stack }` once they are
 * made. Returns `{ skip }`: a reason to skip when MINGCHU_BIN is not set, else false.
 */
export function ownStack(use) {
  const bin = process.env.MINGCHU_BIN;
  const site = process.env.MINGCHU_SITE_ROOT ?? join(ROOT, 'target', 'site');
  const skip = bin ? false : 'set MINGCHU_BIN to the mingchu binary (scripts/test.sh does)';
  let made = {};
  before(async () => {
    if (skip) return;
    made = { browser: await launch(), stack: new Stack(bin, site) };
    use(made);
  });
  after(async () => {
    await made.browser?.close();
    made.stack?.cleanup();
  });
  return { skip };
}
