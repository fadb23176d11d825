#!/usr/bin/env node
// The shipped entry point runs the compiled CLI from dist/ (built by `npm install` via `prepare`).
import { main } from '../dist/cli/index.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
