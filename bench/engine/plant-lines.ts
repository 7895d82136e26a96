/**
 * The plant the engine benchmark runs on: staff and the PX10 procedure set up once through the engine
 * (src/demo/plant.ts), and as many PX10 lines as batches run at once — each line its own equipment and raw
 * material lots, named by a prefix — so that concurrent batches never wait for one another's equipment.
 * Equipment is dirty after a batch used it; between rounds every line is cleaned again (not measured).
 */
import type { Actor } from '../../src/domain/shared/decider.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { executeCommand } from '../../src/engine/resource-commands.ts';
import { EQUIPMENT, actorOf, must, setUpEquipment, setUpLots, setUpPlant } from '../../src/demo/plant.ts';
import { PEOPLE, PX10_PROCEDURE, type Person } from '../../src/demo/px10-script.ts';

export const SITE = 'PLANT-A';

export interface Plant {
  readonly engine: Engine;
  /** The effective PX10 version. */
  readonly version: number;
  /** The people's actors at the site, as the server establishes them at login. */
  readonly actors: Readonly<Record<Person, Actor>>;
  /** Line prefixes set up so far, e.g. "L0001-". */
  readonly lines: string[];
}

export const linePrefix = (i: number) => `L${String(i).padStart(4, '0')}-`;

/** Runs `work` for each item, at most `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Staff and the PX10 procedure, through the engine; no line yet. */
export async function setUpSite(engine: Engine, proceduresDir: string): Promise<Plant> {
  const { procedures } = await setUpPlant(engine, { site: SITE, proceduresDir, procedures: ['px10-compression.yaml'], prefix: 'SETUP-' });
  const px10 = procedures.find((p) => p.procedure === PX10_PROCEDURE);
  if (px10 === undefined) throw new Error('PX10 was not published');
  const entries = await Promise.all(PEOPLE.map(async (p) => [p, await actorOf(engine, p, SITE)] as const));
  return { engine, version: px10.version, actors: Object.fromEntries(entries) as Record<Person, Actor>, lines: [] };
}

/** Adds lines until there are `count`: equipment registered, calibrated and cleaned; lots received and released. */
export async function addLines(plant: Plant, count: number, stockKg: number, concurrency: number): Promise<void> {
  const now = new Date(plant.engine.now());
  const fresh = Array.from({ length: Math.max(0, count - plant.lines.length) }, (_, k) => linePrefix(plant.lines.length + k + 1));
  await inParallel(fresh, concurrency, async (prefix) => {
    await setUpEquipment(plant.engine, SITE, now, prefix);
    await setUpLots(plant.engine, SITE, now, stockKg, prefix);
  });
  plant.lines.push(...fresh);
}

/** Cleans every piece of equipment of the given lines (after a batch left it dirty). */
export async function cleanLines(plant: Plant, prefixes: readonly string[], round: string, concurrency: number): Promise<void> {
  const olivia = plant.actors.olivia;
  const items = prefixes.flatMap((prefix) => EQUIPMENT.map(([id]) => `${prefix}${id}`));
  await inParallel(items, concurrency, async (eid) => {
    must(
      await executeCommand(plant.engine, 'equipment', eid, { type: 'RecordCleaning', data: { validForMs: 7 * 86_400_000 } }, olivia, { idempotencyKey: `clean:${eid}:${round}` }),
      `cleaning ${eid}`,
    );
  });
}
