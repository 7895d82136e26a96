import { postgresAvailable, requirePostgresInCi } from '../../../store/postgres/test-database.ts';
import { identityStoreContract } from '../contract/identity-store-contract.ts';
import { openTestDatabases, type TestDatabases } from '../contract/test-databases.ts';

const availability = await postgresAvailable();
requirePostgresInCi(availability);
const open = new WeakMap<object, TestDatabases>();

identityStoreContract({
  name: 'PostgreSQL',
  skipReason: availability.ok ? undefined : availability.reason,
  async open() {
    const dbs = await openTestDatabases('postgres');
    const opened = { store: dbs.identity, events: dbs.events, dispose: () => dbs.dispose() };
    open.set(opened, dbs);
    return opened;
  },
  reopen: (opened) => open.get(opened)!.openIdentity(),
});
