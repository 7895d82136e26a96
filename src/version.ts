/** The package version, shown by `bes --version` and the health check. */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
