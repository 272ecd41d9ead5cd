import pkg from '../package.json' with { type: 'json' };

/** The version of @elbo/cli, for `elbo --version`, `elbo info` and elbo.json. */
export const CLI_VERSION: string = pkg.version;
