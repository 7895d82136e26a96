/**
 * The `bes` command. Every subcommand returns an exit code scripts can rely on:
 * 0 success, 1 the check failed or the operation could not be done, 2 the command line was wrong.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { serveCommand } from './commands/serve.ts';
import { verifyCommand } from './commands/verify.ts';
import { checkpointCommand } from './commands/checkpoint.ts';
import { backupCommand } from './commands/backup.ts';
import { restoreCommand } from './commands/restore.ts';
import { procedureCommand } from './commands/procedure.ts';
import { userCommand } from './commands/user.ts';
import { exportCommand } from './commands/export.ts';
import { initCommand } from './commands/init.ts';
import { VERSION } from '../version.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Runs the CLI with the arguments after `bes`; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('bes')
    .description('OpenBES — Business Execution System for regulated manufacturing')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });
  for (const add of [serveCommand, verifyCommand, checkpointCommand, backupCommand, restoreCommand, procedureCommand, userCommand, exportCommand, initCommand]) {
    program.addCommand(add(setExit).exitOverride());
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      console.error(`bes: ${error.message}`);
      return EXIT.usage;
    }
    console.error(`bes: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}
