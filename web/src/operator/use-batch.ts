/** A batch with the definition it runs, kept current by the live stream while the page is open. */
import { useRef } from 'react';
import { getBatch } from '../api/batches.ts';
import { cachedVersion } from '../api/procedures.ts';
import { useLiveEvents } from '../api/stream.ts';
import type { BatchView, ProcedureDefinition } from '../api/types.ts';
import { useLoad, type Loaded } from '../session/use-load.ts';

export interface BatchWithDefinition {
  readonly batch: BatchView;
  readonly definition: ProcedureDefinition;
}

export function useBatch(batchId: string, site: string): Loaded<BatchWithDefinition> {
  const loaded = useLoad(async () => {
    const batch = await getBatch(batchId);
    const version = await cachedVersion(batch.procedure, batch.procedureVersion);
    return { batch, definition: version.definition };
  }, [batchId]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The stream sends only this batch's events, its deviations and the attempts refused on it.
  useLiveEvents({ site, batch: batchId }, () => {
    // Several events of one command arrive together: reload once.
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void loaded.reload(), 150);
  });
  return loaded;
}
