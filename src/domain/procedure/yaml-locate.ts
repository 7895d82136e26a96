/** Finds where in a YAML document a path points, so every diagnostic carries a line and a column. */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * The position of `path` in `doc`: the value for a scalar, the key for a map entry whose value is a block
 * (or missing), the item for a list entry. Where the path goes beyond what is written (a missing key, or a
 * list position where the author wrote a single value), the deepest node that exists. `atKey`: the key even
 * for a scalar (an unknown key is the mistake, not its value).
 */
export function locate(doc: Document, lines: LineCounter, path: readonly (string | number)[], options: { atKey?: boolean } = {}): Position | undefined {
  let node: unknown = doc.contents;
  let anchor: Node | null | undefined = node as Node | null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (!pair) break;
      node = pair.value;
      const value = pair.value as Node | null;
      anchor = isScalar(value) && value.value !== null && !options.atKey ? value : (pair.key as Node);
      // One-or-list: a single value written where a list may stand is item 0 of that list.
    } else if (segment === 0 && !isSeq(node)) {
      continue;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      anchor = node as Node;
    } else break;
  }
  const offset = anchor?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
