/**
 * Signing over real HTTP (21 CFR 11.200, 11.100(c)): the password again within the session, after the
 * person's acknowledgement; a wrong password recorded and counted toward lockout with sign-in failures;
 * success bound to the record hash and the session id rotated. The dummy route /api/sign calls the Signer
 * as the API's signing routes do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../engine/resource-commands.ts';
import type { PersonState } from '../../domain/resources/person-state.ts';
import { signInSession } from '../../identity/signing.ts';
import type { Principal } from '../principal.ts';
import { PASSWORD, SITE, startTestServer, type TestServer } from './test-server.ts';

const RECORD = 'a3f1c2'.padEnd(64, '0');

describe('the signer over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    await s.addPerson('ada', [[SITE, 'admin']]);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const sign = (who: { cookie: string; csrf: string }, password = PASSWORD, meaning = 'verified') =>
    s.request('POST', '/api/sign', { cookie: who.cookie, csrf: who.csrf, body: { meaning, password, recordHash: RECORD } });
  const events = async (type: string, personId: string) =>
    (await s.securityEvents()).filter((e) => e.type === type && (e.data as { personId: string }).personId === personId).map((e) => e.data);

  it('binds the signature to the record hash and rotates the session: the old id stops working, the new one works with the same CSRF token', async () => {
    await s.addPerson('sam', [[SITE, 'supervisor']], { acknowledge: true });
    const sam = await s.login('sam');
    const signed = await sign(sam);
    expect(signed).toMatchObject({ status: 200, body: { ok: true, signature: { meaning: 'verified', recordHash: RECORD } } });
    expect(signed.cookie).toMatch(/^__Host-bes_session=/);
    expect(signed.cookie).not.toBe(sam.cookie);
    expect((await s.request('GET', '/api/whoami', { cookie: sam.cookie })).body.code).toBe('session_invalid');
    expect((await s.request('POST', '/api/things', { cookie: signed.cookie!, csrf: sam.csrf })).status).toBe(200);
    expect(await events('SessionRotated', 'sam')).toEqual([expect.objectContaining({ reason: 'signature', site: SITE })]);
    // The next signature rotates again.
    const again = await sign({ cookie: signed.cookie!, csrf: sam.csrf });
    expect(again.status).toBe(200);
    expect((await s.request('GET', '/api/whoami', { cookie: signed.cookie! })).status).toBe(401);
  });

  it('refuses a wrong password (signature_failed), records SignatureFailed, and counts it toward lockout with sign-in failures', async () => {
    await s.addPerson('sue', [[SITE, 'supervisor']], { acknowledge: true });
    let sue = await s.login('sue');
    for (const left of [4, 3, 2, 1]) {
      const failed = await sign(sue, 'not my password');
      expect(failed).toMatchObject({ status: 403, body: { code: 'signature_failed', details: { attemptsLeft: left } } });
      expect(failed.cookie).toBeUndefined();
    }
    expect(await events('SignatureFailed', 'sue')).toHaveLength(4);
    expect((await events('SignatureFailed', 'sue'))[0]).toEqual({ personId: 'sue', site: SITE, purpose: 'signature', reason: 'wrong_password', failedCount: 1, meaning: 'verified', recordHash: RECORD });
    // The fifth failure in a row is a sign-in: it locks the account.
    expect((await s.request('POST', '/api/session', { body: { username: 'sue', password: 'not my password' } })).status).toBe(401);
    expect(await events('AccountLocked', 'sue')).toEqual([expect.objectContaining({ failedCount: 5, by: 'login' })]);
    expect(await sign(sue)).toMatchObject({ status: 403, body: { code: 'account_locked' } });

    const ada = await s.login('ada');
    await s.request('POST', '/api/people/sue/unlock', { cookie: ada.cookie, csrf: ada.csrf });
    sue = await s.login('sue');
    for (let i = 0; i < 4; i++) await sign(sue, 'not my password');
    const fifth = await sign(sue, 'not my password');
    expect(fifth).toMatchObject({ status: 403, body: { code: 'signature_failed', details: { attemptsLeft: 0 } }, cookie: '' });
    expect(fifth.body.detail).toMatch(/locked and your session has ended/);
    expect((await events('AccountLocked', 'sue')).at(-1)).toMatchObject({ by: 'signature', failedCount: 5 });
    expect((await events('SessionEnded', 'sue')).at(-1)).toMatchObject({ reason: 'locked' });
    expect((await s.request('GET', '/api/whoami', { cookie: sue.cookie })).status).toBe(401);
    expect((await s.request('POST', '/api/session', { body: { username: 'sue', password: PASSWORD } })).status).toBe(401);
  });

  it('refuses a person who has not acknowledged their e-signature, before any password is checked; the acknowledgement is theirs, with their password', async () => {
    await s.addPerson('uri', [[SITE, 'qa']]);
    const uri = await s.login('uri');
    const refused = await sign(uri);
    expect(refused).toMatchObject({ status: 403, body: { code: 'esignature_not_acknowledged' } });
    expect((await s.identity.store.credentialOf('uri'))?.failedCount).toBe(0);

    const session = await s.request('GET', '/api/session', { cookie: uri.cookie });
    expect(session.body.esignature).toEqual({
      acknowledged: false,
      acknowledgedTextVersion: null,
      textVersion: '1',
      text: expect.stringContaining('I, Person uri, acknowledge that every electronic signature I make in OpenBES is the legally binding equivalent of my handwritten signature'),
    });
    const ack = (textVersion: string, password: string) => s.request('POST', '/api/session/esignature-acknowledgement', { cookie: uri.cookie, csrf: uri.csrf, body: { textVersion, password } });
    expect((await ack('0', PASSWORD)).body.code).toBe('esignature_text_outdated');
    expect((await ack('1', 'wrong password')).body.code).toBe('signature_failed');
    expect((await events('SignatureFailed', 'uri'))[0]).toMatchObject({ purpose: 'esignature_acknowledgement' });
    expect(await ack('1', PASSWORD)).toMatchObject({ status: 200, body: { acknowledged: true, textVersion: '1' } });
    const stream = await s.dbs.events.readStream('person-uri');
    expect(stream.at(-1)).toMatchObject({ type: 'ESignatureAcknowledged', actor: 'uri', data: { personId: 'uri', textVersion: '1', acknowledgedAt: s.now().toISOString() } });
    expect((await ack('1', PASSWORD)).body).toMatchObject({ status: 409, code: 'esignature_already_acknowledged' });
    expect((await s.request('GET', '/api/session', { cookie: uri.cookie })).body.esignature).toMatchObject({ acknowledged: true, acknowledgedTextVersion: '1' });
    expect((await sign(uri)).status).toBe(200);
    expect((await s.engine.load<PersonState>('person', 'uri')).state.esignature?.textVersion).toBe('1');
  });

  it('never signs for an API token or a shared account', async () => {
    await s.addPerson('erin', [[SITE, 'engineer']], { acknowledge: true });
    await s.addPerson('kiosk', [[SITE, 'leader']], { generic: true });
    const ada = await s.login('ada');
    const token = (await s.request('POST', '/api/tokens', { cookie: ada.cookie, csrf: ada.csrf, body: { personId: 'erin', role: 'engineer', label: 'bot' } })).body.token as string;
    const byToken = await s.request('POST', '/api/sign', { origin: null, headers: { authorization: `Bearer ${token}` }, body: { meaning: 'approved', password: PASSWORD, recordHash: RECORD } });
    expect(byToken).toMatchObject({ status: 403, body: { code: 'signature_needs_session' } });
    // A shared account's changing requests never reach a route; the signer refuses it too.
    expect((await executeCommand(s.engine, 'person', 'kiosk', { type: 'AcknowledgeESignature', data: { textVersion: '1' } }, { id: 'kiosk', name: 'Kiosk', site: SITE, roles: [] })).ok).toBe(true);
    const kiosk = await s.login('kiosk');
    expect((await sign(kiosk)).body.code).toBe('read_only_account');
    const principal = (await s.request('GET', '/api/whoami', { cookie: kiosk.cookie })).body as unknown as Principal;
    const direct = await signInSession(s.identity, principal, { meaning: 'approved', password: PASSWORD }, RECORD);
    expect(direct.ok ? 'signed' : direct.refusal.code).toBe('generic_account');
  });
});
