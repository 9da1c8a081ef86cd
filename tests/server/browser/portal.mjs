// The portal in Chromium: the server's redirect to Keycloak, the login, back to the portal,
// the profile download, and the countdown page after it. Prints one JSON line.
//   node portal.mjs --url https://enroll.example.test:18443/portal --user alice \
//        --password alice-password [--totp BASE32] --out DIR [--user-agent UA]
import { join } from 'node:path';
import { keycloakLogin, main, shot } from './lib.mjs';

await main(async (context, f) => {
  const page = await context.newPage();
  const pages = [];
  let download = null;
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/enroll/profile') {
      download = { status: r.status(), contentType: r.headers()['content-type'] };
    }
  });
  await page.goto(f.url);
  await keycloakLogin(page, { user: f.user, password: f.password, totp: f.totp }, f.out, pages);
  await page.waitForSelector('a#download', { timeout: 30000 });
  pages.push(await shot(page, f.out, '02-portal.png'));
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click('a#download')]);
  const profile = join(f.out, 'profile.mobileconfig');
  await file.saveAs(profile);
  if (!download) throw new Error('no response for /enroll/profile was seen');
  await page.goto(new URL('/enroll', f.url).toString());
  await page.waitForSelector('#countdown', { timeout: 30000 });
  await page.waitForTimeout(1200); // the countdown ticks
  const countdown = await page.textContent('#countdown');
  pages.push(await shot(page, f.out, '03-countdown.png'));
  return { ...download, profile, pages, countdown };
});
