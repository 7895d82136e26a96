/**
 * The signature check of `bes verify`: every electronic signature on every batch in the ledger, bound to
 * the step content it was made over (signature-binding.ts). One pass over the log; a batch is checked when
 * its stream ends (BatchCompleted: nothing can follow it) or at the end of the log, so memory holds only
 * the batches still open.
 */
import type { Backend, EventRow } from '../store/backend.ts';
import { checkSignatures, type PositionedEvent } from './signature-binding.ts';

export interface SignatureProblem {
  readonly batchId: string;
  readonly stepId?: string;
  readonly globalPosition?: number;
  readonly message: string;
}

export interface SignatureReport {
  readonly ok: boolean;
  readonly batches: number;
  readonly signatures: number;
  /** Signatures that still cover the content they signed. */
  readonly valid: number;
  readonly problems: readonly SignatureProblem[];
  /** Signatures changed after signing by recorded corrections, or not bound to content: reported, not failures. */
  readonly notes: readonly string[];
}

const PAGE = 5_000;
const MAX_PROBLEMS = 50;

function positioned(row: EventRow): PositionedEvent {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    data = null;
  }
  return { globalPosition: row.globalPosition, type: row.type, data };
}

interface BatchFindings {
  readonly signatures: number;
  readonly valid: number;
  readonly problems: readonly SignatureProblem[];
  readonly notes: readonly string[];
}

function checkBatch(streamId: string, events: readonly PositionedEvent[]): BatchFindings {
  const batchId = streamId.slice('batch-'.length);
  let checks;
  try {
    checks = checkSignatures(events);
  } catch (error) {
    return { signatures: 0, valid: 0, problems: [{ batchId, message: `batch ${batchId}: its events cannot be read as a batch (${(error as Error).message})` }], notes: [] };
  }
  const problems: SignatureProblem[] = [];
  const notes: string[] = [];
  let valid = 0;
  for (const c of checks) {
    const what = `the "${c.signature.meaning}" signature of ${c.signature.name} on step "${c.stepId}" of batch ${batchId} (event ${c.position})`;
    if (c.validWhenSigned === false) {
      problems.push({ batchId, stepId: c.stepId, globalPosition: c.position, message: `${what} does not match the step content recorded before it: the signed data was altered` });
    } else if (c.valid === false) {
      notes.push(`${what} no longer covers the step: corrected after signing by event ${c.changedBy.join(', ')}`);
    } else if (c.valid === null) {
      notes.push(`${what} carries no record hash`);
    } else valid++;
  }
  return { signatures: checks.length, valid, problems, notes };
}

/** Checks every signature of every batch stream in the log. */
export async function verifyStoredSignatures(backend: Backend): Promise<SignatureReport> {
  const open = new Map<string, PositionedEvent[]>();
  const findings = new Map<string, BatchFindings>();
  for (let after = 0; ; ) {
    const rows = await backend.readAll(after, PAGE);
    for (const row of rows) {
      if (!row.streamId.startsWith('batch-')) continue;
      let events = open.get(row.streamId);
      if (events === undefined) {
        // The domain writes nothing after BatchCompleted; if something follows it, the stream is checked again whole.
        events = findings.has(row.streamId) ? (await backend.readStream(row.streamId, 0, Number.MAX_SAFE_INTEGER)).filter((r) => r.globalPosition < row.globalPosition).map(positioned) : [];
        open.set(row.streamId, events);
      }
      events.push(positioned(row));
      if (row.type === 'BatchCompleted') {
        findings.set(row.streamId, checkBatch(row.streamId, events));
        open.delete(row.streamId);
      }
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.globalPosition;
  }
  for (const [streamId, events] of open) findings.set(streamId, checkBatch(streamId, events));
  const all = [...findings.values()];
  const problems = all.flatMap((f) => f.problems).sort((a, b) => (a.globalPosition ?? Infinity) - (b.globalPosition ?? Infinity));
  return {
    ok: problems.length === 0,
    batches: findings.size,
    signatures: all.reduce((n, f) => n + f.signatures, 0),
    valid: all.reduce((n, f) => n + f.valid, 0),
    problems: problems.slice(0, MAX_PROBLEMS),
    notes: all.flatMap((f) => f.notes),
  };
}
