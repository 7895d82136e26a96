/**
 * Runs a batch script (src/demo/px10-script.ts) through the engine as its people would: each command as
 * the person named, with an idempotency key per command so a rerun changes nothing. Every outcome must be
 * the one the script expects — a refused step that should pass, or a mistake that slips through, is a bug.
 */
import type { Actor } from '../domain/shared/decider.ts';
import { executeBatchCommand } from '../engine/batch-commands.ts';
import type { Engine } from '../engine/engine.ts';
import type { SequenceItem } from './px10-script.ts';

export interface ScriptRun {
  readonly accepted: number;
  readonly refused: number;
}

export interface RunScriptOptions {
  readonly engine: Engine;
  readonly batchId: string;
  readonly items: readonly SequenceItem[];
  readonly actors: Readonly<Record<string, Actor>>;
  /** Called before each command with the minutes the script lets pass (simulated or real waiting). */
  readonly pass?: (minutes: number) => Promise<void> | void;
  /** Stop between commands (the simulator's shutdown). */
  readonly stopped?: () => boolean;
  /** Works a deviation through its decisions when an item asks for it. */
  readonly decideDeviation?: (deviationId: string) => Promise<void>;
}

export async function runScript(options: RunScriptOptions): Promise<ScriptRun> {
  const { engine, batchId, items, actors } = options;
  let accepted = 0;
  let refused = 0;
  for (const [index, item] of items.entries()) {
    if (options.stopped?.() === true) break;
    await options.pass?.(item.minutes ?? 0);
    if (item.decideDeviation !== undefined) {
      if (options.decideDeviation === undefined) throw new Error(`demo batch ${batchId}: deviation ${item.decideDeviation} needs its decisions, and no one to take them`);
      const deviation = (await engine.load<{ disposition?: unknown }>('deviation', item.decideDeviation)).state;
      // A rerun after a restart: the decisions are taken already.
      if (deviation.disposition === undefined) await options.decideDeviation(item.decideDeviation);
    }
    const actor = actors[item.person];
    if (actor === undefined) throw new Error(`no actor for ${item.person}`);
    const outcome = await executeBatchCommand(engine, batchId, item.command, actor, { idempotencyKey: `demo:${batchId}:${index + 1}` });
    const got = outcome.ok ? 'ok' : outcome.refusal.code;
    if (got !== item.expect) {
      const why = outcome.ok ? '' : `: ${outcome.refusal.message}`;
      throw new Error(`demo batch ${batchId}, command ${index + 1} (${item.person} ${item.command.type}): expected ${item.expect}, got ${got}${why}`);
    }
    if (outcome.ok) accepted++;
    else refused++;
  }
  return { accepted, refused };
}
