/** Small status labels; the colour repeats what the words say, never replaces them. */
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'ok' | 'warn' | 'bad' | 'info';

export function Badge({ tone = 'neutral', children }: { readonly tone?: Tone; readonly children: ReactNode }) {
  return <span className={`badge ${tone === 'neutral' ? '' : tone}`}>{children}</span>;
}

const STEP_TONES: Record<string, Tone> = { pending: 'neutral', in_progress: 'warn', awaiting_verification: 'info', done: 'ok', skipped: 'neutral' };
const STEP_WORDS: Record<string, string> = { pending: 'not started', in_progress: 'in progress', awaiting_verification: 'awaiting verification', done: 'done', skipped: 'skipped' };

export function StepStatusBadge({ status }: { readonly status: string }) {
  return <Badge tone={STEP_TONES[status] ?? 'neutral'}>{STEP_WORDS[status] ?? status}</Badge>;
}

const EVALUATION_TONES: Record<string, Tone> = { in_spec: 'ok', alert: 'warn', out_of_spec: 'bad', unchecked: 'neutral' };
const EVALUATION_WORDS: Record<string, string> = { in_spec: 'in spec', alert: 'alert', out_of_spec: 'out of spec', unchecked: 'no limits' };

export function EvaluationBadge({ evaluation }: { readonly evaluation: string }) {
  return <Badge tone={EVALUATION_TONES[evaluation] ?? 'neutral'}>{EVALUATION_WORDS[evaluation] ?? evaluation}</Badge>;
}
