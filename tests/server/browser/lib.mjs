// Shared by the browser scripts: Debian's Chromium through playwright-core (no browser of its
// own is downloaded), Keycloak's login pages, screenshots, the command line and the report.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import * as OTPAuth from 'otpauth';

// --name value pairs and positional arguments. `names` lists the flags the script takes;
// `required` those it cannot do without.
export function parseArgs(names, required = [], argv = process.argv.slice(2)) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      out._.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (!names.includes(name)) throw new Error(`unknown option --${name} (takes: ${names.map((n) => `--${n}`).join(' ')})`);
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    out[name] = value;
    i++;
  }
  const missing = required.filter((n) => out[n] === undefined);
  if (missing.length) throw new Error(`missing ${missing.map((n) => `--${n}`).join(', ')}`);
  return out;
}

// Chromium with the test names mapped to loopback. The server's certificate comes from a
// throwaway CA, so this context accepts it (the device simulator checks it properly).
export async function launch({ userAgent } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--host-resolver-rules=MAP enroll.example.test 127.0.0.1, MAP example.test 127.0.0.1',
      '--no-sandbox',
    ],
  });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, userAgent });
    return { browser, context };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

// A full-page PNG in `dir`; its path.
export async function shot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// The current TOTP code for a base32 secret (SHA-1, 6 digits, 30 s: Keycloak's default policy).
export function totpCode(secret) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What the page shows now: 'otp', 'login' (the username form), 'away' (off Keycloak), or null
// while it navigates or shows something else. `error` is Keycloak's message, if any.
async function loginState(page, keycloakOrigin) {
  let origin;
  try {
    origin = new URL(page.url()).origin;
  } catch {
    return { state: null };
  }
  if (origin !== keycloakOrigin) return { state: 'away' };
  try {
    return await page.evaluate(() => {
      if (document.readyState === 'loading') return { state: null };
      const error = [...document.querySelectorAll('[id^="input-error"], .alert-error, .pf-m-danger, #kc-error-message')]
        .map((e) => e.textContent.trim()).filter((t, i, all) => t && all.indexOf(t) === i).join(' ');
      if (document.querySelector('#otp')) return { state: 'otp', error };
      if (document.querySelector('#username')) return { state: 'login', error };
      return { state: 'other', error, title: document.title };
    });
  } catch {
    return { state: null }; // the document went away mid-check: a navigation
  }
}

// Submits the form of the current Keycloak page and waits for the next one. Resolves with the
// page's state, or 'done' when `until` settles first (a redirect the browser cannot follow).
async function submitAndWait(page, keycloakOrigin, until, timeoutMs) {
  let navigated = false;
  const onNav = (frame) => { if (frame === page.mainFrame()) navigated = true; };
  page.on('framenavigated', onNav);
  let settled = false;
  until?.then(() => { settled = true; }, () => { settled = true; });
  try {
    await page.click('#kc-login');
    const deadline = Date.now() + timeoutMs;
    let seenOther = null;
    while (Date.now() < deadline) {
      if (settled) return { state: 'done' };
      if (navigated) {
        const s = await loginState(page, keycloakOrigin);
        if (s.state && s.state !== 'other') return s;
        if (s.state === 'other') seenOther = s;
      }
      await sleep(200);
    }
    if (seenOther) {
      throw new Error(`Keycloak shows an unexpected page "${seenOther.title}" at ${page.url()}${seenOther.error ? `: ${seenOther.error}` : ''}`);
    }
    throw new Error(`no answer to the Keycloak form within ${timeoutMs / 1000} s (at ${page.url()})`);
  } finally {
    page.off('framenavigated', onNav);
  }
}

// Keycloak's login form, then its one-time-code form when it asks for one. Returns once the
// browser has left Keycloak (or `until` settled). Throws with Keycloak's message on a refusal.
//   artifacts: { dir, pages } to screenshot the one-time-code page into (01b-one-time-code.png)
//   until: a promise; when it settles the login is over (e.g. a 308 to a custom scheme)
export async function keycloakLogin(page, { username, password, totpSecret, artifacts, until, timeoutMs = 30000 }) {
  try {
    await page.waitForSelector('#username', { timeout: timeoutMs });
  } catch {
    throw new Error(`no Keycloak login form (#username) at ${page.url()} ("${await page.title().catch(() => '')}")`);
  }
  const keycloakOrigin = new URL(page.url()).origin;
  await page.fill('#username', username);
  await page.fill('#password', password);
  let s = await submitAndWait(page, keycloakOrigin, until, timeoutMs);
  if (s.state === 'login') {
    throw new Error(`Keycloak did not accept the password of ${username}: ${s.error || '(no message)'}`);
  }
  if (s.state === 'otp') {
    if (!totpSecret) throw new Error(`Keycloak asks ${username} for a one-time code: give --totp`);
    if (artifacts) artifacts.pages.push(await shot(page, artifacts.dir, '01b-one-time-code.png'));
    for (let attempt = 0; ; attempt++) {
      await page.fill('#otp', totpCode(totpSecret));
      s = await submitAndWait(page, keycloakOrigin, until, timeoutMs);
      if (s.state !== 'otp') break;
      // Keycloak refuses a code already used (a second sign-in within the same 30 s):
      // wait for the next period, once.
      if (attempt > 0) throw new Error(`Keycloak refused the one-time code of ${username}: ${s.error || '(no message)'}`);
      const wait = (30 - (Math.floor(Date.now() / 1000) % 30)) * 1000 + 1000;
      console.error(`browser: Keycloak refused the code (${s.error || 'no message'}); trying the next one in ${Math.round(wait / 1000)} s`);
      await sleep(wait);
    }
  } else if (totpSecret && s.state === 'away') {
    console.error(`browser: note: Keycloak did not ask ${username} for a one-time code`);
  }
  if (s.state === 'login') throw new Error(`Keycloak shows its login form again: ${s.error || '(no message)'}`);
  if (s.state === 'away') await page.waitForLoadState('domcontentloaded');
  return s.state;
}

// A download by navigating to its URL: Playwright's goto throws "Download is starting" when
// the answer is an attachment, which is what is expected here.
export async function downloadByGoto(page, url, timeout = 30000) {
  const download = page.waitForEvent('download', { timeout });
  try {
    await page.goto(url);
  } catch (e) {
    if (!String(e.message).includes('Download is starting')) throw e;
  }
  return download;
}

// Runs a script's body with a browser: prints its report as one JSON line on stdout, or the
// failure on stderr with exit code 1; the browser is closed either way.
export async function runScript(name, body) {
  let browser;
  let timer;
  try {
    const args = body.args();
    const opened = await launch({ userAgent: args['user-agent'] });
    browser = opened.browser;
    const overall = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('gave up after 150 s')), 150000);
    });
    const report = await Promise.race([body.run(opened.context, args), overall]);
    console.log(JSON.stringify(report));
  } catch (e) {
    console.error(`${name}: ${e.message || e}`);
    if (process.env.BROWSER_DEBUG) console.error(e.stack);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
    if (browser) await browser.close().catch(() => {});
  }
}
