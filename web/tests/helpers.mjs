// Shared helpers for the browser tests (node --test web/tests/).
// They drive Debian's chromium through playwright-core against a real `bin/siyu`
// started on a free port with a fresh data directory.

import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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

/** Launches Debian's chromium headless through playwright-core. */
export async function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} not found; install it with \`bash scripts/install-test-deps.sh\` (Debian package chromium)`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** Saves a full-page PNG as web/tests/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
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
export async function withPage(browser, server, name, fn, { locale = 'zh-CN', timeoutMs = 15_000 } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
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
