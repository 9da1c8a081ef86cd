// The account-driven web-authentication step in Chromium (what iOS shows in its sign-in sheet):
// the server's page redirects to Keycloak; after the login Keycloak sends the browser to the
// server's /oidc/callback, which answers 308 to apple-remotemanagement-user-login://..., a
// scheme a browser cannot follow. So the 308 is read off the response, and no navigation is
// waited for.
//
//   node account-auth.mjs --url AUTH_URL --user bob --password bob-password [--totp BASE32] \
//        --out DIR [--user-agent UA]
//   node account-auth.mjs --user ... --password ... --out DIR AUTH_URL   (as enrollkit-device
//        --browser runs it: the URL last)
//
// Prints one JSON line: {"status":308,"location":"apple-remotemanagement-user-login://...",
// "pages":[...]}. Exits 1 with the reason on stderr otherwise.
import { keycloakLogin, parseArgs, runScript, shot } from './lib.mjs';

await runScript('account-auth.mjs', {
  args: () => {
    const f = parseArgs(['url', 'user', 'password', 'totp', 'out', 'user-agent'], ['user', 'password', 'out']);
    f.url ??= f._.at(-1);
    if (!f.url) throw new Error('give the web-authentication URL (--url URL, or last)');
    return f;
  },
  run: async (context, f) => {
    const page = await context.newPage();
    const pages = [];
    let timer;
    const redirected = new Promise((resolve, reject) => {
      page.on('response', (r) => {
        if (r.status() === 308) resolve({ status: 308, location: r.headers()['location'] ?? null });
      });
      timer = setTimeout(() => reject(new Error(`no 308 from the server within 60 s (at ${page.url()})`)), 60000);
      timer.unref();
    });
    let seen = false;
    redirected.then(() => { seen = true; }, () => {}); // also keeps an early timeout from going unhandled
    try {
      try {
        await page.goto(f.url);
      } catch (e) {
        // Without a sign-in page (a provider session already there) the goto ends in the 308.
        await new Promise((r) => setTimeout(r, 1000));
        if (!seen) throw e;
      }
      if (!seen) {
        await page.waitForSelector('#username', { timeout: 30000 }).catch(() => {
          throw new Error(`no Keycloak login form at ${page.url()}`);
        });
        pages.push(await shot(page, f.out, '01-login.png'));
        await keycloakLogin(page, {
          username: f.user, password: f.password, totpSecret: f.totp, artifacts: { dir: f.out, pages }, until: redirected,
        });
      }
      const answer = await redirected;
      if (!answer.location) throw new Error('the 308 had no Location header');
      return { ...answer, pages };
    } finally {
      clearTimeout(timer);
    }
  },
});
