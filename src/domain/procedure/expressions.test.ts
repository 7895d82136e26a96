/** Expressions as process engineers write them: natural arithmetic, samples, clear problems, never a throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseExpression, checkExpression, evaluateExpression, type ExpressionValue } from './expressions.ts';

const hardness = { mean: 10.2, min: 9.1, max: 11.4, values: [9.1, 10.0, 11.4, 10.3] };
const value = (source: string, values: Record<string, ExpressionValue> = {}) => evaluateExpression(source, values);

describe('evaluateExpression: natural arithmetic', () => {
  it.each([
    ['good_tablets / batch_size * 100', { good_tablets: 291000, batch_size: 300000 }, 97],
    ['batch_size * 0.25', { batch_size: 300000 }, 75000],
    ['batch_size * api_per_tablet / 1000000', { batch_size: 300000, api_per_tablet: 10 }, 3],
    ['100 / 3', {}, 100 / 3],
    ['7 / 2', {}, 3.5],
    ['-x + 2', { x: 5 }, -3],
    ['(gross - tare) * 1', { gross: 25.4, tare: 0.4 }, 25],
    ['x % 4', { x: 10 }, 2],
    ['hardness.mean', { hardness }, 10.2],
    ['hardness.max - hardness.min', { hardness }, 11.4 - 9.1],
    ['hardness.values.size() * 2', { hardness }, 8],
    ['size(hardness.values)', { hardness }, 4],
    ['hardness.values[0]', { hardness }, 9.1],
    ['round(hardness.mean * 3, 1)', { hardness }, 30.6],
    ['abs(flow_error) + max(1, 2) + min(1, 2)', { flow_error: -4 }, 7],
    ['0x10 / 4', {}, 4],
  ] as const)('%s', (source, values, expected) => {
    const result = value(source, values);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toBeCloseTo(expected, 10);
  });

  it('gives plain JS numbers, never BigInt', () => {
    const result = value('2 + 3');
    expect(result).toEqual({ ok: true, value: 5 });
    if (result.ok) expect(typeof result.value).toBe('number');
  });
});

describe('evaluateExpression: comparisons, checks and text', () => {
  it.each([
    ['hardness.mean > 9', true],
    ['hardness.min >= 8 && hardness.max <= 12', true],
    ['hardness.values.all(v, v >= 9 && v <= 11)', false],
    ['hardness.values.exists(v, v > 11)', true],
    ['lod == 2', true],
    ['lod != 2', false],
    ['size(hardness.values) == 4', true],
    ['functional_result == "fail"', false],
    ['!area_clear', false],
    ['area_clear ? 1 : 0', 1],
    ['serial.startsWith("IP200-")', true],
    ['serial + "/A"', 'IP200-25K00123/A'],
  ] as const)('%s', (source, expected) => {
    expect(value(source, { hardness, lod: 2, functional_result: 'pass', area_clear: true, serial: 'IP200-25K00123' })).toEqual({ ok: true, value: expected });
  });
});

describe('evaluateExpression: problems come back as values', () => {
  it.each([
    ['batch_size * 2', {}, "'batch_size' has no value"],
    ['a +', {}, 'syntax error at the end: the expression ends too early'],
    ['a + * 2', { a: 1 }, "syntax error at character 5: unexpected '*'"],
    ['1 / 0', {}, 'not a finite number'],
    ['[1, 2]', {}, 'gives a list'],
    ['lot + 1', { lot: 'L-1' }, 'cannot add text and a number'],
    ['hardness > 9', { hardness }, 'cannot compare'],
    ['hardness.count', { hardness }, "'count' is not part of a samples field"],
    ['constructor', {}, "'constructor' has no value"],
  ] as const)('%s', (source, values, words) => {
    const result = value(source, values);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(words);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.dictionary(fc.constantFrom('a', 'b', 'batch_size'), fc.oneof(fc.double(), fc.boolean(), fc.string())), (source, values) => {
        const result = evaluateExpression(source, values);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on expression-like text either', () => {
    const token = fc.constantFrom('a', 'b', 'h', '.mean', '.values', '[0]', '1', '2.5', '0', '+', '-', '*', '/', '%', '(', ')', '>', '==', '&&', '!', '?', ':', '"x"', 'size(', ',', ' ');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 25 }), (tokens) => {
        const result = evaluateExpression(tokens.join(''), { a: 1, b: 0, h: hardness });
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) expect(['number', 'boolean', 'string']).toContain(typeof result.value);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('checkExpression', () => {
  const names = { good_tablets: 'number', batch_size: 'number', hardness: 'samples', area_clear: 'boolean', serial: 'string' } as const;

  it('is empty for a fine expression', () => {
    expect(checkExpression('good_tablets / batch_size * 100', names)).toEqual([]);
    expect(checkExpression('hardness.mean > 9 && area_clear', names)).toEqual([]);
    expect(checkExpression('hardness.values.all(v, v > 8)', names)).toEqual([]);
  });

  it('names unknown names, with the likely one', () => {
    expect(checkExpression('good_tablet / batch_size', names)).toEqual(["'good_tablet' is not a field, a parameter or batch_size (did you mean 'good_tablets'?)"]);
  });

  it('explains syntax and type errors in words', () => {
    expect(checkExpression('good_tablets /', names)).toEqual(['syntax error at the end: the expression ends too early']);
    expect(checkExpression('serial * 2', names)).toEqual(["cannot multiply text and a number ('*')"]);
    expect(checkExpression('hardness > 9', names)).toEqual(["cannot compare a samples field and a number ('>'): use its .mean, .min, .max or .values"]);
    expect(checkExpression('batch_size.mean', names)).toEqual(['only a samples field has parts (.mean, .min, .max, .values)']);
    expect(checkExpression('sqrt(batch_size)', names)).toEqual(['there is no function sqrt(…) that takes a number']);
  });

  it('tells the checker what an expression reads and gives', () => {
    expect(analyseExpression('hardness.values.exists(v, v > batch_size)', names)).toEqual({ reads: ['hardness', 'batch_size'], problems: [], type: 'boolean' });
    expect(analyseExpression('good_tablets * 2', names).type).toBe('number');
    expect(analyseExpression('serial + "x"', names).type).toBe('string');
  });
});
