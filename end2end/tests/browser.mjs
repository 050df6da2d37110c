// Shared set-up: Debian's Chromium driven by playwright-core, against BASE_URL.
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

/** Chromium with the suite's flags, and `extraArgs` for a spec that needs its own. */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs,
    ],
  });
}

/** A phone-sized page (iPhone 12-like). */
export async function phone(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, ...options,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  return { context, page, errors };
}

export const hydrated = (page) => page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });

/** An operating demo venue with public cameras, found through the open-data API. */
export async function venueWithCameras(base = BASE_URL) {
  const response = await fetch(`${base}/api/v1/venues?camera=1&per_page=100`);
  if (response.status !== 200) throw new Error(`venue list: ${response.status}`);
  const { venues } = await response.json();
  const venue = venues.find((v) => v.status === 'operating' && v.camera_count > 0);
  if (!venue) throw new Error('the demo district has no operating venue with public cameras');
  return venue;
}
