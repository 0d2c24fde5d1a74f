#!/usr/bin/env node
// The `baton` command. This shim exists before the first build, so `npm ci`
// links it into node_modules/.bin; the command itself is compiled to dist/.
require('../dist/main.js');
