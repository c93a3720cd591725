#!/usr/bin/env node
// Placeholder demo until the mock-VTN walkthrough exists: decode and pretty-print the example message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processIo } from './cli-io.js';
import { runDecode } from './codec-cli.js';

const file = process.argv[2] ?? join(process.cwd(), '..', 'shared', 'oadr-examples', 'oadrDistributeEvent.xml');
readFileSync(file);
process.exitCode = runDecode([file], processIo);
