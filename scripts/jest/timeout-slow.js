// Jest's testTimeout is global; each project sets its own (hooks included). node's runner had none.
// Integration and e2e files start processes and whole stacks on a shared 2-core machine.
require('@jest/globals').jest.setTimeout(600_000);
