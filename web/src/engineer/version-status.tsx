/** A procedure version's lifecycle status as a badge. */
import type { VersionStatus } from '../api/types.ts';
import { Badge, type Tone } from '../ui/badge.tsx';

const TONES: Record<VersionStatus, Tone> = { draft: 'neutral', in_review: 'info', effective: 'ok', superseded: 'neutral', retired: 'neutral' };

export function VersionStatusBadge({ status }: { readonly status: VersionStatus }) {
  return <Badge tone={TONES[status]}>{status.replace('_', ' ')}</Badge>;
}
