// Shared by the browser scripts: Debian's Chromium through playwright-core, Keycloak's login
// pages, screenshots, and the command-line flags.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import * as OTPAuth from 'otpauth';

export function flags(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    const name = argv[i].slice(2);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
    out[name] = value;
    i++;
  }
  return out;
}

// The test names resolve to loopback inside the browser; the server's certificate comes from a
// throwaway CA, so this browser context accepts it (the device simulator checks it properly).
export async function launch({ userAgent } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--host-resolver-rules=MAP enroll.example.test 127.0.0.1, MAP example.test 127.0.0.1'],
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, userAgent });
  return { browser, context };
}

export async function shot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Keycloak's login form, then its one-time-code form when the user has one configured.
export async function keycloakLogin(page, { user, password, totp }, dir, pages) {
  await page.waitForSelector('#username', { timeout: 30000 });
  pages.push(await shot(page, dir, '01-login.png'));
  await page.fill('#username', user);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('#kc-login')]);
  if (totp) {
    await page.waitForSelector('#otp', { timeout: 30000 });
    pages.push(await shot(page, dir, '01b-one-time-code.png'));
    const totpCode = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(totp), digits: 6, period: 30 });
    for (let attempt = 0; ; attempt++) {
      await page.fill('#otp', totpCode.generate());
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('#kc-login')]);
      // Keycloak refuses a code already used: a second run within 30 s waits for the next one.
      const again = await page
        .waitForSelector('#input-error-otp', { state: 'visible', timeout: 3000 })
        .catch(() => null);
      if (!again || attempt > 0) break;
      await page.waitForTimeout((30 - (Math.floor(Date.now() / 1000) % 30) + 1) * 1000);
    }
  }
}

export async function main(run) {
  let browser;
  try {
    const opened = await launch({ userAgent: flags()['user-agent'] });
    browser = opened.browser;
    const report = await run(opened.context, flags());
    console.log(JSON.stringify(report));
  } catch (e) {
    console.error(`browser: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
  }
}
