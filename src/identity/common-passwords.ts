/** The common-password list of zxcvbn-ts (about 49,000 passwords from breaches), lower-cased, built on first use. */
import { dictionary } from '@zxcvbn-ts/language-common';

let common: ReadonlySet<string> | undefined;

/** Whether a password (already lower-cased) is on the list; the comparison ignores case. */
export function isCommonPassword(lowerCased: string): boolean {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common.has(lowerCased);
}
