/** The expression library's errors, in words a process engineer reads. */

const TYPE_WORDS: Record<string, string> = {
  double: 'a number',
  int: 'a whole number',
  uint: 'a whole number',
  bool: 'true/false',
  string: 'text',
  Samples: 'a samples field',
  'list<double>': 'a list of numbers',
  'list<dyn>': 'a list',
  null: 'no value',
  null_type: 'no value',
};

const OPERATOR_WORDS: Record<string, string> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '/': 'divide',
  '%': 'take the remainder of',
  '<': 'compare',
  '<=': 'compare',
  '>': 'compare',
  '>=': 'compare',
  '==': 'compare',
  '!=': 'compare',
};

/** "double" → "a number", "dyn<string>" → "text". */
export function typeWords(type: string): string {
  const inner = /^dyn<(.+)>$/.exec(type)?.[1] ?? type;
  // At run time a samples field is a plain map (mean, min, max, values).
  if (/^map</.test(inner)) return TYPE_WORDS.Samples!;
  return TYPE_WORDS[inner] ?? inner;
}

/** A library error (its code and one-line summary) as a sentence. */
export function libraryMessage(code: string | undefined, summary: string): string {
  const overload = /^no such overload: (.+) (==|!=|<=|>=|<|>|\+|-|\*|\/|%|in) (.+)$/.exec(summary);
  if (overload) {
    const [, left, op, right] = overload as unknown as [string, string, string, string];
    const verb = OPERATOR_WORDS[op];
    const samples = /Samples|map</;
    const hint = samples.test(left) || samples.test(right) ? ': use its .mean, .min, .max or .values' : '';
    if (verb) return `cannot ${verb} ${typeWords(left)} and ${typeWords(right)} ('${op}')${hint}`;
  }
  const call = /found no matching overload for '(\w+)\((.*)\)'/.exec(summary);
  if (call) {
    const [, name, types] = call as unknown as [string, string, string];
    const given = types === '' ? 'nothing' : types.split(', ').map(typeWords).join(', ');
    return `there is no function ${name}(…) that takes ${given}`;
  }
  const key = /^No such key: (.+)$/.exec(summary);
  if (key) return `'${key[1]}' is not part of a samples field: use .mean, .min, .max or .values`;
  const unknown = /^Unknown variable: (.+)$/.exec(summary);
  if (unknown) return `'${unknown[1]}' has no value`;
  if (code === 'cannot_index_type') return 'only a samples field has parts (.mean, .min, .max, .values)';
  if (code === 'division_by_zero') return 'division by zero';
  if (code === 'invalid_condition_type') return 'the condition before "?" must be true or false';
  return summary.replace(/\b(dyn<\w+>|double|int|uint|bool|string|Samples)\b/g, (t) => typeWords(t));
}
