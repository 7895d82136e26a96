/** The identity service, for the application's wiring and for routes that register people. */
export { openIdentity, type OpenIdentityOptions } from './open-identity.ts';
export { createIdentity, type Identity, type IdentityOptions } from './identity.ts';
export { loadIdentitySettings, DEFAULT_IDENTITY_SETTINGS, type IdentitySettings } from './settings.ts';
export { openIdentityStore } from './store/open-identity-store.ts';
export { registerPerson, type NewPerson } from './register-person.ts';
export { startSessionSweeper } from './sweeper.ts';
export { SECURITY_STREAM } from './audit.ts';
