/** A command as the resource deciders take it: an imperative name and its data (the shape of an event). */
export interface Command<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}
