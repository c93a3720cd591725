// The `rxadr` command line. The executable is cli.ts (and fingerprint-cli.ts for `rxadr-fingerprint`);
// this entry is for running the commands in-process, e.g. from tests.
export { runCli } from './cli.js';
export type { CliIo } from './cli-io.js';
export { processIo } from './cli-io.js';
