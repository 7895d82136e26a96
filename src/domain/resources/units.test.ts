/** Unit conversion and stock rounding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertQuantity, formatQuantity, roundQuantity } from './units.ts';

describe('convertQuantity', () => {
  it.each<[number, string, string, number | undefined]>([
    [25, 'kg', 'g', 25000],
    [0.1, 'kg', 'g', 100],
    [2500, 'g', 'kg', 2.5],
    [1, 'mg', 'kg', 0.000001],
    [1, 'µg', 'mg', 0.001],
    [1.5, 'L', 'mL', 1500],
    [250, 'ml', 'l', 0.25],
    [12, 'tablets', 'tablets', 12],
    [3, 'vials', 'vials', 3],
    [1, 'kg', 'L', undefined],
    [1, 'pcs', 'units', undefined],
    [1, 'tablets', 'pcs', undefined],
    [1, 'pcs', 'kg', undefined],
    [1, 'KG', 'g', undefined],
    [Number.NaN, 'kg', 'kg', undefined],
    [Number.POSITIVE_INFINITY, 'kg', 'g', undefined],
  ])('%d %s in %s is %s', (value, from, to, expected) => {
    expect(convertQuantity(value, from, to)).toBe(expected);
  });

  it('a round trip gives the value back', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.constantFrom(['kg', 'g'], ['g', 'mg'], ['kg', 'mg'], ['L', 'mL']), (v, [a, b]) => {
        const there = convertQuantity(v, a!, b!)!;
        const back = convertQuantity(there, b!, a!)!;
        expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 1e-11);
      }),
    );
  });
});

describe('roundQuantity', () => {
  it('removes floating point residue', () => {
    expect(roundQuantity(25 - 24.9)).toBe(0.1);
    expect(roundQuantity(0.3 - 0.1 - 0.2)).toBe(0);
    expect(Object.is(roundQuantity(-1e-12), 0)).toBe(true);
  });
  it('formats for people', () => expect(formatQuantity(12.5, 'kg')).toBe('12.5 kg'));
});
