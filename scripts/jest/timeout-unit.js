// Jest's testTimeout is global; each project sets its own (hooks included). node's runner had none.
require('@jest/globals').jest.setTimeout(60_000);
