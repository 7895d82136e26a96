/** Which cookie a browser will keep: __Host- and Secure where it can, a plain cookie and a warning elsewhere. */
import { afterAll, describe, expect, it } from 'vitest';
import { cookieSpecFor, trustworthyOrigin } from './session-cookie.ts';
import { PASSWORD, SITE, startTestServer, type TestServer } from './test-server.ts';

describe('the session cookie', () => {
  it('is __Host- and Secure on https and on localhost, plain elsewhere', () => {
    for (const origin of ['https://bes.plant.example', 'http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://tablet.localhost'])
      expect([origin, cookieSpecFor(origin)]).toEqual([origin, { name: '__Host-bes_session', secure: true }]);
    expect(cookieSpecFor('http://bes.plant.lan:3000')).toEqual({ name: 'bes_session', secure: false });
    expect(trustworthyOrigin('http://10.0.0.5')).toBe(false);
  });

  describe('served over plain HTTP at another host', () => {
    let s: TestServer | undefined;
    afterAll(async () => {
      await s?.close();
    });
    it('uses bes_session without Secure, warns once, and reads only that name', async () => {
      s = await startTestServer('sqlite', { publicOrigin: 'http://bes.plant.lan:3000' });
      await s.addPerson('olivia', [[SITE, 'operator']]);
      const login = await s.request('POST', '/api/session', { origin: null, body: { username: 'olivia', password: PASSWORD } });
      expect(login.headers.getSetCookie()[0]).toMatch(/^bes_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
      const cookie = login.cookie!;
      expect((await s.request('GET', '/api/whoami', { cookie })).status).toBe(200);
      expect((await s.request('GET', '/api/whoami', { cookie: `__Host-${cookie}` })).status).toBe(401);
      expect((await s.request('POST', '/api/things', { cookie, csrf: login.body.csrfToken as string, origin: 'http://bes.plant.lan:3000' })).status).toBe(200);
      expect(s.warnings).toHaveLength(1);
      expect(s.warnings[0]).toMatch(/plain HTTP at http:\/\/bes\.plant\.lan:3000.*without Secure/);
    });
  });
});
