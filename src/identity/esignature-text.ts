/**
 * The statement a person accepts before their first electronic signature (21 CFR 11.100(c)): shown by the
 * client, acknowledged with the person's password, recorded on the person's stream with this version.
 * Changing the wording means a new version; people who accepted an older one keep signing (their statement
 * stands) and the client may ask them to accept the new one.
 */

export const ESIGNATURE_TEXT_VERSION = '1';

/** The wording, with the person's printed name in it. */
export function esignatureText(name: string): string {
  return (
    `I, ${name}, acknowledge that every electronic signature I make in OpenBES is the legally binding equivalent ` +
    'of my handwritten signature, and that I will not let anyone else use my account or password.'
  );
}
