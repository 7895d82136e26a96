/** What `bes verify --record` can find wrong with a record file, by kind. */
export type RecordProblemKind =
  | 'malformed'
  | 'no_key'
  | 'checkpoint_invalid'
  | 'event_order'
  | 'event_altered'
  | 'chain_broken'
  | 'unsealed'
  | 'proof_invalid'
  | 'content_mismatch'
  | 'signature_mismatch';

export interface RecordProblem {
  readonly kind: RecordProblemKind;
  readonly globalPosition?: number;
  readonly message: string;
}
