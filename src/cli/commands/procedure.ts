/** `bes procedure check FILE...`: the procedure language's checker, for engineers, editors and CI. */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { parseProcedure, type Diagnostic } from '../../domain/procedure/parse.ts';
import { publishCommand } from './procedure-publish.ts';

/** One line per problem, as compilers print them, so editors and CI can link to the place. */
export function formatDiagnostic(d: Diagnostic): string {
  const place = [d.file ?? '-', d.line, d.column].filter((part) => part !== undefined).join(':');
  return `${place}: ${d.severity} [${d.code}] ${d.message}${d.step === undefined ? '' : ` (${d.step})`}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function check(files: readonly string[]): Promise<Diagnostic[]> {
  const all: Diagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      all.push({ severity: 'error', code: 'unreadable', message: `cannot read the file: ${error instanceof Error ? error.message : String(error)}`, file, path: [] });
      continue;
    }
    all.push(...parseProcedure(text, file).diagnostics);
  }
  return all;
}

export function procedureCommand(setExit: (code: number) => void): Command {
  const checkCommand = new Command('check')
    .description('check procedure files: prints file:line:column: error|warning [code] message; exits 1 if any has an error')
    .argument('<files...>', 'procedure YAML files')
    .addOption(new Option('--json', 'print the diagnostics as JSON'))
    .exitOverride()
    .action(async (files: string[], options: { json?: boolean }) => {
      const diagnostics = await check(files);
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = diagnostics.length - errors;
      if (options.json) console.log(JSON.stringify(diagnostics, null, 2));
      else {
        for (const d of diagnostics) console.log(formatDiagnostic(d));
        console.log(`${errors === 0 ? 'OK' : 'FAILED'}: ${plural(files.length, 'file')} checked, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
      }
      setExit(errors === 0 ? 0 : 1);
    });
  return new Command('procedure').description('work with procedure definitions (the procedure language)').addCommand(checkCommand).addCommand(publishCommand(setExit));
}
