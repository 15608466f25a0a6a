// Shared pieces of the live-room browser tests: one server and one browser per test
// file, a fresh context per person (own cookies and localStorage, China time and
// language), screenshots checked for untranslated catalog keys, console login and the
// JSON API.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, chromiumPath, screenshot as save, pageText } from './helpers.mjs';

export const HOST_EMAIL = 'host@demo.siyu';
export const OWNER_EMAIL = 'owner@demo.siyu';
export const PASSWORD = 'siyu-demo';
export const DEMO_TITLE = '秋冬新品首发 · 直播专场';
export const PHONE = { width: 390, height: 844 };

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
    // helpers.mjs's flags plus three that keep timers running in every viewer's window:
    // several headless windows overlap, and Chromium throttles the occluded ones.
    s.browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--headless', '--no-sandbox',
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding'] });
    return s.server;
  };

  s.close = async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await s.browser?.close().catch(() => {});
    await s.server?.stop();
  };

  // A fresh context per person. page.errors collects script and CSP errors.
  s.newPage = async (name, { viewport = { width: 1280, height: 800 }, mobile = false } = {}) => {
    const ctx = await s.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport,
      isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1 });
    ctx.setDefaultTimeout(15_000);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.errors = [];
    page.on('pageerror', (err) => page.errors.push(`${name}: ${err.message}`));
    page.on('console', (msg) => {
      // A WebSocket closed by a kick or ban is expected; script and CSP errors are not.
      if (msg.type() === 'error' && !/WebSocket|Failed to load resource/.test(msg.text())) page.errors.push(`${name}: ${msg.text()}`);
    });
    page.on('dialog', (d) => d.accept());
    return page;
  };

  // Full-page screenshots from the top, so the console's sticky bars stay in place.
  // Every screenshotted page is also checked for catalog keys that leaked untranslated.
  s.screenshot = async (page, name) => {
    await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {});
    const leaked = (await pageText(page)).match(/\b(?:live|pub|js|err|flash)\.[a-z_]+(?:\.[a-z_]+)*\b/g);
    assert.equal(leaked, null, `${name} shows untranslated catalog keys: ${leaked}`);
    return save(page, name);
  };

  // Runs fn; on failure screenshots the page and prints the server log.
  s.guarded = async (page, name, fn) => {
    try {
      return await fn();
    } catch (err) {
      await s.screenshot(page, `${name}-FAILED`).catch(() => {});
      s.server.printLog();
      throw err;
    }
  };

  s.login = async (page, email) => {
    await page.goto(`${s.server.baseURL}/console/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.click('button[type=submit]')]);
  };

  s.say = async (page, text) => {
    await page.fill('[data-testid=comment-input]', text);
    await page.click('[data-testid=comment-send]');
  };

  // The JSON API with any token (asserting success), and as the demo owner.
  s.callAPI = async (method, path, token, body) => {
    const res = await fetch(s.server.baseURL + path, { method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const data = res.status === 204 ? {} : await res.json();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
  let ownerToken = '';
  s.ownerAPI = async (method, path, body) => {
    if (!ownerToken) ownerToken = (await s.callAPI('POST', '/api/v1/auth/login', '', { email: OWNER_EMAIL, password: PASSWORD })).token;
    return s.callAPI(method, path, ownerToken, body);
  };

  // An RFC 3339 time ms from now, without fractions.
  s.inFuture = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
  return s;
}
