// The unit tier starts no process and no server: a test that tries fails, naming the tier it
// belongs to, instead of slowing every unit run down. node's own modules are shared by everything
// in the worker (Jest's sandbox included), so they are patched for one test file and restored in
// teardown, which runs even when the file fails to load.
const childProcess = require('node:child_process');
const net = require('node:net');
const { TestEnvironment } = require('jest-environment-node');

const refused = [
  ...['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'].map((name) => [
    childProcess,
    name,
  ]),
  [net.Server.prototype, 'listen'],
];

module.exports = class UnitEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.originals = refused.map(([owner, name]) => owner[name]);
    for (const [owner, name] of refused) {
      owner[name] = () => {
        throw new Error(
          `${name}() in a unit test: name the file *.integration.test.ts (the integration tier)`,
        );
      };
    }
  }

  async teardown() {
    refused.forEach(([owner, name], i) => {
      owner[name] = this.originals[i];
    });
    await super.teardown();
  }
};
