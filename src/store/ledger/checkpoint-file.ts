/**
 * A copy of every signed checkpoint kept outside the database, one JSON line per note. Rewriting the
 * database alone then shows: its history no longer matches checkpoints the file still holds.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Appends one checkpoint note as a JSON line and fsyncs it before returning. */
export async function appendCheckpointFile(path: string, note: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a');
  try {
    // One write of one whole line: appends from concurrent writers cannot interleave within it.
    await handle.write(`${JSON.stringify({ note })}\n`);
    // The caller records the checkpoint in the database only after this, so it must be on disk first.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The notes in the checkpoint file, in order; [] when the file does not exist. */
export async function readCheckpointFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      parsed = undefined;
    }
    const note = (parsed as { note?: unknown } | null | undefined)?.note;
    if (typeof note !== 'string') throw new Error(`${path}:${i + 1}: not a checkpoint line (want {"note": "..."})`);
    return note;
  });
}
