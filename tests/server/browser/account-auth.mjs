// The account-driven web-authentication step in Chromium (what iOS shows in its sign-in
// sheet): the server's page redirects to Keycloak; after the login the server answers 308 to
// apple-remotemanagement-user-login://, which a browser cannot follow, so the 308 is read off
// the response. Prints one JSON line with its Location.
//   node account-auth.mjs --user alice --password alice-password [--totp BASE32] --out DIR URL
import { keycloakLogin, main, shot } from './lib.mjs';

const url = process.argv.pop();
await main(async (context, f) => {
  const page = await context.newPage();
  const pages = [];
  const redirected = new Promise((resolve, reject) => {
    page.on('response', (r) => {
      if (r.status() === 308) resolve({ status: 308, location: r.headers()['location'] });
    });
    setTimeout(() => reject(new Error('no 308 within 60 s')), 60000).unref();
  });
  await page.goto(url);
  await keycloakLogin(page, { user: f.user, password: f.password, totp: f.totp }, f.out, pages);
  const answer = await redirected;
  return { ...answer, pages };
});
