// Preloaded (node -r) into a server built by bench/lib/build.ts's instrumentedBuild(): when the
// process exits, writes the Daytona SDK/API-client modules it evaluated (a JSON array) to the file
// named by BENCH_MARKER_OUT.
/* global require, process */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  const out = process.env.BENCH_MARKER_OUT;
  if (!out) return;
  const list = globalThis.__benchDaytonaModules;
  fs.writeFileSync(out, JSON.stringify(Array.isArray(list) ? [...new Set(list)] : []));
});
