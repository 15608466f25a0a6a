// Shared helpers for the browser tests (node --test web/tests/).
// They drive Debian's chromium through playwright-core against a real `bin/siyu`
// started on a free port with a fresh data directory.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const siyuBin = process.env.SIYU_BIN || path.join(repoRoot, 'bin', 'siyu');
export const chromiumPath = process.env.SIYU_CHROMIUM || '/usr/bin/chromium';
export const screenshotDir = path.join(here, 'screenshots');

// The demo brand that `serve --demo` seeds: its staff (one password for all) and its
// upcoming live.
export const PASSWORD = 'siyu-demo';
export const OWNER_EMAIL = 'owner@demo.siyu';
export const HOST_EMAIL = 'host@demo.siyu';
export const AGENT_EMAIL = 'agent@demo.siyu';
export const DEMO_TITLE = '秋冬新品首发 · 直播专场';
/** A phone's viewport, for viewer pages. */
export const PHONE = { width: 390, height: 844 };

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Children still alive when the process exits get SIGKILL, so a crashed test run
// never leaves a server behind.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function readLog(file) {
  try { return readFileSync(file, 'utf8'); } catch { return '(no log)'; }
}

/**
 * Starts `bin/siyu serve --demo` on a free port with a fresh temp data dir and waits
 * (≤ 30 s) until GET /healthz answers 200.
 * Returns {baseURL, dataDir, logFile, log(), printLog(), stop()}.
 */
export async function startServer({ args = [], env = {}, timeoutMs = 30_000 } = {}) {
  if (!existsSync(siyuBin)) {
    throw new Error(`${path.relative(repoRoot, siyuBin) || siyuBin} not found; build it first with \`make build\``);
  }
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const baseURL = `http://${addr}`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'siyu-webtest-'));
  const logFile = path.join(dataDir, 'server.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(siyuBin, ['serve', '--demo', '--addr', addr, '--data', dataDir, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  live.add(child);

  let exited = null; // {code, signal} once the child is gone
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve(exited);
    });
    child.once('error', (err) => {
      exited = { code: null, signal: null, error: err };
      live.delete(child);
      resolve(exited);
    });
  });

  const log = () => readLog(logFile);
  const printLog = () => {
    process.stderr.write(`\n----- siyu server log (${logFile}) -----\n${log()}\n----- end of server log -----\n`);
  };

  let stopped = false;
  const stop = async ({ keepData = !!process.env.SIYU_KEEP_TEST_DATA } = {}) => {
    if (stopped) return exitedPromise;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => {
        process.stderr.write(`siyu (pid ${child.pid}) ignored SIGTERM for 10 s; killing it\n`);
        child.kill('SIGKILL');
      }, 10_000);
      await exitedPromise;
      clearTimeout(killTimer);
    }
    if (!keepData) await rm(dataDir, { recursive: true, force: true });
    return exited;
  };

  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (exited) {
      printLog();
      await stop({ keepData: true });
      const how = exited.error ? exited.error.message : `code ${exited.code}, signal ${exited.signal}`;
      throw new Error(`siyu exited before /healthz answered (${how}); log kept in ${logFile}`);
    }
    try {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
      lastProblem = `HTTP ${res.status}`;
    } catch (err) {
      lastProblem = err.cause?.code || err.message;
    }
    if (Date.now() > deadline) {
      printLog();
      await stop({ keepData: true });
      throw new Error(`siyu did not answer GET ${baseURL}/healthz with 200 within ${timeoutMs / 1000} s (last: ${lastProblem}); log kept in ${logFile}`);
    }
    await sleep(200);
  }

  return { baseURL, dataDir, logFile, log, printLog, stop };
}

/** Launches Debian's chromium headless through playwright-core, with extra flags if given. */
export async function launchBrowser({ args = [] } = {}) {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} not found; install it with \`bash scripts/install-test-deps.sh\` (Debian package chromium)`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: [...chromiumArgs, ...args] });
}

/**
 * Starts the server (startServer's options) and the browser for a test file's before();
 * returns {server, browser}. The server is stopped again if the browser fails to start.
 */
export async function startServerAndBrowser(options) {
  const server = await startServer(options);
  try {
    return { server, browser: await launchBrowser() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Closes what startServerAndBrowser started, for after(); either may be missing. */
export async function stopServerAndBrowser({ server, browser } = {}) {
  await browser?.close().catch(() => {});
  await server?.stop();
}

/**
 * Saves a full-page PNG as web/tests/screenshots/<name>.png and returns its path. The
 * page is scrolled to the top first, so the console's sticky bars stay in place (a
 * form with errors or a #fragment link scrolls the page).
 */
export async function screenshot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {});
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs fn(page) in a fresh browser context (own cookies, zh-CN locale by default).
 * On failure it saves a "<name>-FAILED" screenshot and prints the server log, then
 * rethrows; the context is always closed.
 */
export async function withPage(browser, server, name, fn,
  { locale = 'zh-CN', timeoutMs = 15_000, viewport = { width: 1280, height: 800 }, ...contextOptions } = {}) {
  // contextOptions: other browser.newContext options, e.g. {isMobile: true, hasTouch: true} with PHONE.
  const context = await browser.newContext({ locale, viewport, ...contextOptions });
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  try {
    return await fn(page);
  } catch (err) {
    try {
      const file = await screenshot(page, `${name}-FAILED`);
      process.stderr.write(`screenshot of the failure: ${path.relative(repoRoot, file)} (page URL ${page.url()})\n`);
    } catch { /* the page may be gone */ }
    server?.printLog();
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
}

/** Visible text of the page: body text, the title, and labels of input buttons. */
export async function pageText(page) {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input[type=submit], input[type=button]')].map((e) => e.value);
    return [document.title, document.body ? document.body.innerText : '', ...values].join('\n');
  });
}

/**
 * Runs fn() on a page the caller made; on failure it saves a "<name>-FAILED"
 * screenshot and prints the server log, then rethrows. For pages withPage does not
 * make (several people in one test, long-lived pages).
 */
export async function guarded(page, server, name, fn) {
  try {
    return await fn();
  } catch (err) {
    await screenshot(page, `${name}-FAILED`).catch(() => {});
    server?.printLog();
    throw err;
  }
}

/**
 * Signs in to the console through the login form (?lang= when lang is given) and
 * waits until the console home of this server opens.
 */
export async function login(page, baseURL, email, { lang, password = PASSWORD } = {}) {
  const origin = new URL(baseURL).origin;
  await page.goto(`${baseURL}/console/login${lang ? `?lang=${lang}` : ''}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([
    page.waitForURL((u) => u.origin === origin && (u.pathname === '/console' || u.pathname === '/console/')),
    page.click('button[type=submit]'),
  ]);
}

/**
 * Collects the page's script errors and console errors (CSP violations show up as
 * those) into the returned array, which a test expects empty at the end. allow is a
 * RegExp of console errors the test provokes on purpose (a form sent back with its
 * errors answers 422, which Chromium logs). label prefixes every entry, to tell
 * several people's pages apart. Dialogs (data-confirm) are accepted and their
 * messages kept in page.dialogs.
 */
export function watchErrors(page, { allow = null, label = '' } = {}) {
  const errors = [];
  const prefix = label ? `${label}: ` : '';
  page.dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow?.test(m.text())) errors.push(prefix + m.text());
  });
  page.on('pageerror', (e) => errors.push(prefix + e.message));
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.accept(); });
  return errors;
}

let catalogKeys = null;

/** Every message key of the console's catalogs (internal/web/i18n/zh-CN*.json). */
export function consoleCatalogKeys() {
  if (!catalogKeys) {
    const dir = path.join(repoRoot, 'internal/web/i18n');
    catalogKeys = readdirSync(dir).filter((f) => /^zh-CN(\.[a-z-]+)?\.json$/.test(f))
      .flatMap((f) => Object.keys(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
  }
  return catalogKeys;
}

/**
 * Fails when a catalog key shows up as page text (a missing translation). The text is
 * cut into words at spaces, quotes, brackets, colons, middle dots and commas, the
 * places a key can stand next to in a sentence.
 */
export async function noLeakedKeys(page, what) {
  const words = new Set((await pageText(page)).split(/[\s"'“”「」（）()：:·,，]+/));
  assert.deepEqual(consoleCatalogKeys().filter((k) => words.has(k)), [], `${what} shows untranslated catalog keys`);
}

/**
 * Calls the JSON API with a bearer token (none when empty) and returns the answer's
 * JSON ({} for 204). It asserts success, or exactly the given status.
 */
export async function callAPI(baseURL, method, p, token, body, { status } = {}) {
  const res = await fetch(baseURL + p, { method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? {} : await res.json();
  if (status) assert.equal(res.status, status, `${method} ${p}: ${JSON.stringify(data)}`);
  else assert.ok(res.ok, `${method} ${p}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/** Signs a staff member in to the JSON API and returns their token. */
export async function apiLogin(baseURL, email, password = PASSWORD) {
  return (await callAPI(baseURL, 'POST', '/api/v1/auth/login', '', { email, password })).token;
}

/** Pays a viewer's order on the sandbox cashier (支付成功), as the buyer's phone would. */
export async function payOrder(baseURL, viewerToken, orderID) {
  const pay = await callAPI(baseURL, 'POST', `/api/v1/viewer/orders/${orderID}/pay`, viewerToken, {});
  const res = await fetch(baseURL + new URL(pay.pay_url).pathname, { method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'outcome=success' });
  assert.equal(res.status, 303, 'the sandbox cashier took the payment');
}

/**
 * Serves pictures as a merchant's CDN would: GET /<name>.svg answers svg(name).
 * Returns {url, close()} once it listens on a free local port.
 */
export function svgServer(svg) {
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=3600' });
    res.end(svg(path.basename(req.url.split('?')[0], '.svg')));
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1',
    () => resolve({ url: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() })));
}
