/** Where two JSON values first differ, as a path a person can follow in the file (`sections[2].steps[0].fields[1]`). */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The path of the first difference between two JSON values, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) return `${path}[${i}]`;
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const child = path === '' ? key : `${path}.${key}`;
      if (!(key in a) || !(key in b)) return child;
      const found = firstDifference(a[key], b[key], child);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return a === b ? undefined : path || '(the whole value)';
}
