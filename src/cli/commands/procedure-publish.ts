/**
 * `bes procedure publish FILE --as USERNAME`: an engineer drafts a procedure version from a file and submits it
 * for review, from the command line. They sign in with their password (the same lockout rules as the browser),
 * so the draft is theirs in the audit trail; approval and making it effective stay with QA (segregation of
 * duties), in the browser or through the API.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseProcedure } from '../../domain/procedure/parse.ts';
import type { ProcedureState } from '../../domain/procedure/lifecycle.ts';
import { actorAt, executeCommand } from '../../engine/resource-commands.ts';
import { createEngine } from '../../engine/engine.ts';
import { createIdentity } from '../../identity/identity.ts';
import { login } from '../../identity/login.ts';
import { endSession } from '../../identity/sessions.ts';
import { openIdentityStore } from '../../identity/store/open-identity-store.ts';
import { openStore } from '../../store/open-store.ts';
import { configFrom, withStoreOptions, type StoreCliOptions } from '../store-options.ts';
import { formatDiagnostic } from './procedure.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

interface PublishOptions extends StoreCliOptions {
  as: string;
  site?: string;
  passwordStdin?: boolean;
}

export function publishCommand(setExit: (code: number) => void): Command {
  return withStoreOptions(new Command('publish'))
    .description('draft a procedure version from FILE and submit it for review, as the engineer named by --as (QA approves it)')
    .argument('<file>', 'procedure YAML file')
    .requiredOption('--as <username>', 'the engineer drafting it (signs in with their password)')
    .option('--site <site>', 'the site to act at, when they hold roles at several')
    .option('--password-stdin', 'read the password from stdin (otherwise BES_PASSWORD)')
    .exitOverride()
    .action(async (file: string, options: PublishOptions) => {
      let source: string;
      try {
        source = await readFile(file, 'utf8');
      } catch (error) {
        console.error(`bes procedure publish: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
        setExit(2);
        return;
      }
      const parsed = parseProcedure(source, file);
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      if (!parsed.ok || errors.length > 0) {
        for (const d of parsed.diagnostics) console.error(formatDiagnostic(d));
        console.error(`bes procedure publish: ${file} has ${errors.length} error(s); nothing was stored`);
        setExit(1);
        return;
      }
      const password = options.passwordStdin ? await readStdin() : process.env.BES_PASSWORD;
      if (password === undefined || password === '') {
        console.error('bes procedure publish: give the password with --password-stdin or BES_PASSWORD');
        setExit(2);
        return;
      }
      const config = configFrom(options);
      const store = await openStore(config);
      const identityStore = await openIdentityStore(config);
      try {
        const engine = createEngine({ store });
        const identity = createIdentity({ store: identityStore, engine });
        const signedIn = await login(identity, { username: options.as, password, ...(options.site ? { site: options.site } : {}) });
        if (!signedIn.ok) {
          console.error(`bes procedure publish: [${signedIn.refusal.code}] ${signedIn.refusal.message}`);
          setExit(1);
          return;
        }
        try {
          const actor = actorAt(signedIn.person, signedIn.session.row.site);
          const definition = parsed.definition;
          const sourceHash = `sha256:${createHash('sha256').update(source).digest('hex')}`;
          const drafted = await executeCommand(engine, 'procedure', definition.procedure, { type: 'DraftVersion', data: { definition, source, sourceHash } }, actor);
          if (!drafted.ok) {
            console.error(`bes procedure publish: drafting was refused: [${drafted.refusal.code}] ${drafted.refusal.message}`);
            setExit(1);
            return;
          }
          const state = (await engine.load<ProcedureState>('procedure', definition.procedure)).state;
          const version = Math.max(...state.versions.map((v) => v.version));
          const submitted = await executeCommand(engine, 'procedure', definition.procedure, { type: 'SubmitForReview', data: { version } }, actor);
          if (!submitted.ok) {
            console.error(`bes procedure publish: version ${version} is drafted, but submitting it was refused: [${submitted.refusal.code}] ${submitted.refusal.message}`);
            setExit(1);
            return;
          }
          console.log(`${definition.procedure} version ${version} drafted and submitted for review by ${signedIn.person.name}; QA approves it and makes it effective`);
        } finally {
          await endSession(identity, signedIn.session.row.idHash, 'logout', signedIn.person.id);
        }
      } finally {
        await identityStore.close();
        await store.close();
      }
    });
}
