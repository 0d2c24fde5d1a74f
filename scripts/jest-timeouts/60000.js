// Jest's testTimeout is global; each project sets its own here (hooks included). node's runner had none.
require('@jest/globals').jest.setTimeout(60000);
