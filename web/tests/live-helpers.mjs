// Shared pieces of the live-room browser tests: one server and one browser per test
// file, a fresh context per person (own cookies and localStorage, China time and
// language), screenshots checked for untranslated catalog keys, console login and the
// JSON API.

import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot as save, pageText, guarded, login, watchErrors, callAPI, apiLogin,
  OWNER_EMAIL } from './helpers.mjs';

export { HOST_EMAIL, OWNER_EMAIL, PASSWORD, DEMO_TITLE, PHONE } from './helpers.mjs';

/**
 * The suite's helpers. start() (in before()) starts bin/siyu with the demo data and
 * Chromium and answers the server; close() (in after()) stops both. The helpers may be
 * destructured at once: they reach the server and browser only when called.
 */
export function liveSuite() {
  const contexts = [];
  const s = { server: null, browser: null };

  s.start = async () => {
    s.server = await startServer();
    // Three more flags keep timers running in every viewer's window: several headless
    // windows overlap, and Chromium throttles the occluded ones.
    s.browser = await launchBrowser({ args: ['--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows', '--disable-renderer-backgrounding'] });
    return s.server;
  };

  s.close = async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await s.browser?.close().catch(() => {});
    await s.server?.stop();
  };

  // A fresh context per person. page.errors collects script and CSP errors; a
  // WebSocket closed by a kick or ban is expected, and so is a failed resource load.
  const allowedErrors = /WebSocket|Failed to load resource/;
  s.newPage = async (name, { viewport = { width: 1280, height: 800 }, mobile = false } = {}) => {
    const ctx = await s.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport,
      isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
    ctx.setDefaultTimeout(15_000);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.errors = watchErrors(page, { allow: allowedErrors, label: name });
    return page;
  };
  // Another page in an existing person's context (a second tab), watched the same way.
  s.watch = (page, name) => {
    page.errors = watchErrors(page, { allow: allowedErrors, label: name });
    return page;
  };

  // Full-page screenshots from the top, so the console's sticky bars stay in place.
  // Every screenshotted page is also checked for catalog keys that leaked untranslated.
  s.screenshot = async (page, name) => {
    const leaked = (await pageText(page)).match(/\b(?:live|pub|js|err|flash)\.[a-z_]+(?:\.[a-z_]+)*\b/g);
    assert.equal(leaked, null, `${name} shows untranslated catalog keys: ${leaked}`);
    return save(page, name);
  };

  // Runs fn; on failure screenshots the page and prints the server log.
  s.guarded = (page, name, fn) => guarded(page, s.server, name, fn);

  s.login = (page, email) => login(page, s.server.baseURL, email);

  // Opens a live room at url and joins it under nickname; waits until the show plays.
  s.join = async (page, url, nickname) => {
    await page.goto(url);
    await page.locator('[data-testid=nickname-form]').waitFor({ state: 'visible' });
    await page.fill('[data-testid=nickname-input]', nickname);
    await page.click('[data-testid=nickname-submit]');
    await page.locator('[data-testid=nickname-form]').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('room').dataset.state === 'live');
  };

  s.say = async (page, text) => {
    await page.fill('[data-testid=comment-input]', text);
    await page.click('[data-testid=comment-send]');
  };

  // The JSON API with any token (asserting success), and as the demo owner.
  s.callAPI = (method, path, token, body) => callAPI(s.server.baseURL, method, path, token, body);
  let ownerToken = '';
  s.ownerAPI = async (method, path, body) => {
    if (!ownerToken) ownerToken = await apiLogin(s.server.baseURL, OWNER_EMAIL);
    return s.callAPI(method, path, ownerToken, body);
  };

  // An RFC 3339 time ms from now, without fractions.
  s.inFuture = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
  return s;
}
