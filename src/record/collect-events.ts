/**
 * Which events make up a batch's record, read from the store as stored rows (the exact bytes the hashes
 * cover): the batch's whole stream, the whole stream of every deviation it raised, the refused attempts
 * against it from its site's refusal stream, the procedure version's lifecycle events (who drafted,
 * approved and made effective what ran), and the registration of every person named (printed names).
 */
import type { Backend, EventRow } from '../store/backend.ts';
import { batchStreamId, wholeStreams } from './record-context.ts';

const PAGE = 5_000;

export interface CollectedEvents {
  /** Every event of the record, in log order, each once. */
  readonly rows: readonly EventRow[];
  /** Streams the record holds whole (up to their head when read), so their chains can be checked end to end. */
  readonly completeStreams: readonly string[];
}

async function readWhole(backend: Backend, streamId: string, keep: (row: EventRow) => boolean = () => true): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for (let after = 0; ; ) {
    const rows = await backend.readStream(streamId, after, PAGE);
    for (const row of rows) if (keep(row)) out.push(row);
    if (rows.length < PAGE) return out;
    after = rows.at(-1)!.streamPosition;
  }
}

function parse(row: EventRow): Record<string, unknown> {
  try {
    const data = JSON.parse(row.data) as unknown;
    return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Person ids an event names: its actor, and who did, signed or detected what. */
function peopleNamed(row: EventRow, data: Record<string, unknown>): string[] {
  const ids = [row.actor, data.by, data.detectedBy, (data.signature as { by?: unknown } | undefined)?.by];
  return ids.filter((id): id is string => typeof id === 'string' && id !== 'system' && !id.startsWith('system:'));
}

/** The record's events, or undefined when there is no such batch. */
export async function collectRecordEvents(backend: Backend, batchId: string): Promise<CollectedEvents | undefined> {
  const stream = batchStreamId(batchId);
  const batch = await readWhole(backend, stream);
  const created = batch[0] === undefined ? undefined : parse(batch[0]);
  if (created === undefined || batch[0]!.type !== 'BatchCreated') return undefined;
  const { site, procedure, version } = created as { site?: unknown; procedure?: unknown; version?: unknown };

  const [, ...deviationStreams] = wholeStreams(batchId, batch.map((row) => ({ type: row.type, data: parse(row) })));
  const deviations = (await Promise.all(deviationStreams.map((id) => readWhole(backend, id)))).flat();

  // The refusal stream holds the whole site's refusals: a cheap text test first, then the parsed subject.
  const quoted = JSON.stringify(stream);
  const refusals = typeof site === 'string' ? await readWhole(backend, `refusals-${site}`, (row) => row.data.includes(quoted) && parse(row).subject === stream) : [];

  const lifecycle =
    typeof procedure === 'string' ? await readWhole(backend, `procedure-${procedure}`, (row) => parse(row).version === version) : [];

  const named = new Set<string>();
  for (const row of [...batch, ...deviations, ...refusals, ...lifecycle]) for (const id of peopleNamed(row, parse(row))) named.add(id);
  const registrations = (await Promise.all([...named].map((id) => backend.readStream(`person-${id}`, 0, 1))))
    .flat()
    .filter((row) => row.type === 'PersonRegistered');

  const byPosition = new Map<number, EventRow>();
  for (const row of [...batch, ...deviations, ...refusals, ...lifecycle, ...registrations]) byPosition.set(row.globalPosition, row);
  return {
    rows: [...byPosition.values()].sort((a, b) => a.globalPosition - b.globalPosition),
    completeStreams: [stream, ...deviationStreams],
  };
}
