import { identityStoreContract } from '../contract/identity-store-contract.ts';
import { openTestDatabases, type TestDatabases } from '../contract/test-databases.ts';

const open = new WeakMap<object, TestDatabases>();

identityStoreContract({
  name: 'SQLite',
  async open() {
    const dbs = await openTestDatabases('sqlite');
    const opened = { store: dbs.identity, events: dbs.events, dispose: () => dbs.dispose() };
    open.set(opened, dbs);
    return opened;
  },
  reopen: (opened) => open.get(opened)!.openIdentity(),
});
