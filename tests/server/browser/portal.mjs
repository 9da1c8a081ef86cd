// The portal in Chromium: the server's redirect to Keycloak, the login, back to the portal,
// the profile download, and the status page with its 8-minute countdown after it.
//
//   node portal.mjs --url https://enroll.example.test:18443/portal --user alice \
//        --password alice-password [--totp BASE32] --out DIR [--user-agent UA]
//
// Prints one JSON line: {"status":200,"contentType":"...","profile":"DIR/profile.mobileconfig",
// "pages":[...PNG paths],"countdown":"7:59"}. Exits 1 with the reason on stderr otherwise.
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { keycloakLogin, parseArgs, runScript, shot } from './lib.mjs';

await runScript('portal.mjs', {
  args: () => parseArgs(['url', 'user', 'password', 'totp', 'out', 'user-agent'], ['url', 'user', 'password', 'out']),
  run: async (context, f) => {
    const page = await context.newPage();
    const pages = [];

    // The profile's own HTTP answer (the download event carries no status or headers).
    let answered;
    const profileAnswer = new Promise((resolve) => { answered = resolve; });
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/enroll/profile') {
        answered({ status: r.status(), contentType: r.headers()['content-type'] ?? null });
      }
    });

    const first = await page.goto(f.url);
    if (new URL(page.url()).origin === new URL(f.url).origin) {
      throw new Error(`${f.url} did not redirect to the identity provider (status ${first?.status()}, at ${page.url()})`);
    }
    await page.waitForSelector('#username', { timeout: 30000 }).catch(() => {
      throw new Error(`no Keycloak login form at ${page.url()}`);
    });
    pages.push(await shot(page, f.out, '01-login.png'));
    await keycloakLogin(page, {
      username: f.user, password: f.password, totpSecret: f.totp, artifacts: { dir: f.out, pages },
    });

    // Back at the server: after /oidc/callback it shows the portal with the download link.
    await page.waitForSelector('a#download', { timeout: 30000 }).catch(() => {
      throw new Error(`no a#download on the page after the sign-in (at ${page.url()})`);
    });
    pages.push(await shot(page, f.out, '02-portal.png'));

    const downloaded = page.waitForEvent('download', { timeout: 30000 });
    await page.click('a#download');
    const download = await downloaded.catch(() => {
      throw new Error('clicking a#download started no download within 30 s');
    });
    const failure = await download.failure();
    if (failure) throw new Error(`the download failed: ${failure}`);
    const profile = join(f.out, 'profile.mobileconfig');
    await download.saveAs(profile);
    const answer = await Promise.race([
      profileAnswer,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no HTTP response for /enroll/profile was seen')), 10000).unref()),
    ]);
    if (statSync(profile).size === 0) throw new Error('the downloaded profile is empty');

    // The status page after the download: the install window's countdown.
    const status = await page.goto(new URL('/enroll', f.url).toString());
    if (!status || status.status() !== 200) throw new Error(`/enroll answered ${status?.status()}`);
    await page.waitForSelector('#countdown', { timeout: 30000 }).catch(() => {
      throw new Error(`no #countdown on ${page.url()}`);
    });
    await page.waitForTimeout(1200); // the countdown ticks once
    const countdown = (await page.textContent('#countdown'))?.trim() ?? null;
    pages.push(await shot(page, f.out, '03-after-download.png'));
    return { ...answer, profile, pages, countdown };
  },
});
