import { generateKeyPairSync } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendCheckpointFile, readCheckpointFile } from './checkpoint-file.ts';
import { signCheckpoint } from './checkpoint-note.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openbes-cpfile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const signer = { name: 'openbes.example/ledger', ...generateKeyPairSync('ed25519') };
const notes = [1, 2, 3].map((size) => signCheckpoint({ origin: signer.name, size, rootHash: `${size}`.padStart(64, '0') }, signer));

describe('checkpoint file', () => {
  it('is empty when it does not exist', async () => {
    expect(await readCheckpointFile(join(dir, 'absent.jsonl'))).toEqual([]);
  });

  it('round-trips notes with newlines and em dashes, in order, creating its directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'checkpoints.jsonl');
    for (const note of notes) await appendCheckpointFile(path, note);
    expect(notes[0]).toContain('\n\u2014 ');
    expect(await readCheckpointFile(path)).toEqual(notes);
  });

  it('names the path and line number of a corrupt line', async () => {
    const path = join(dir, 'checkpoints.jsonl');
    await appendCheckpointFile(path, notes[0] as string);
    await appendFile(path, '{"note": "truncat\n');
    await appendCheckpointFile(path, notes[1] as string);
    await expect(readCheckpointFile(path)).rejects.toThrow(`${path}:2:`);
  });

  it('rejects lines that are JSON but not a note', async () => {
    for (const line of ['{"note": 5}', '{}', 'null', '"text"', '']) {
      const path = join(dir, `bad-${line.length}.jsonl`);
      await appendCheckpointFile(path, notes[0] as string);
      await appendFile(path, `${line}\n`);
      await expect(readCheckpointFile(path), line).rejects.toThrow(`${path}:2:`);
    }
  });
});
