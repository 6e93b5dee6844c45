#!/usr/bin/env node
// The `relu-lab` command. Source is TypeScript, loaded through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { handleClosedStandardStreams } = await import('../electron/cli/output.ts');
// `relu-lab list | head -1`: the reader leaving ends the command quietly (status 0, no stack trace).
handleClosedStandardStreams();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
