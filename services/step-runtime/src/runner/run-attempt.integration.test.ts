import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, test } from '@jest/globals';
import { RunnerError } from './errors.js';
import { runAttempt } from './run-attempt.js';
import { INHERITED_ENV_NAMES } from './user-env.js';
import { logSink, makeSpec, shell, tempRoot } from '../../test/attempt-fixtures.js';

// The service's own secrets and settings, as step-runtime would have them in production.
process.env.MONGODB_URL = 'mongodb://admin:hunter2@db:27017/baton';
process.env.REDIS_URL = 'redis://:hunter2@redis:6379';
process.env.BATON_SECRET = 'service-secret';
process.env.BATON_STEP_RUNTIME_PORT = '7403';
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://otel:4317';
process.env.NODE_OPTIONS = '--max-old-space-size=64';
process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret';

const { root, cleanup } = tempRoot('attempt');
afterAll(cleanup);
const opts = { workRoot: root, killGraceMs: 500 };

/** A Python step that reports everything it can see as its outputs. */
const INTROSPECT = [
  'import json, os',
  'with open(os.environ["BATON_PARAMS_FILE"]) as f: params = json.load(f)',
  'open("mark.txt", "w").write("x")',
  'seen = {"env": dict(os.environ), "params": params, "cwd": os.getcwd(), "listing": sorted(os.listdir("."))}',
  'with open(os.environ["BATON_OUTPUT_FILE"], "w") as f: json.dump(seen, f)',
].join('\n');

test('exit 0 with outputs of every JSON type → SUCCEEDED with those outputs', async () => {
  const spec = shell(
    'outputs',
    `cat > "$BATON_OUTPUT_FILE" <<'JSON'
{"s": "text", "i": 42, "f": 2.5, "neg": -1, "t": true, "no": false, "nil": null,
 "list": [1, "two", [3]], "obj": {"k": {"deep": [true]}}}
JSON`,
  );
  const out = await runAttempt(spec, opts).result;
  assert.equal(out.status, 'SUCCEEDED', out.error);
  assert.equal(out.exitCode, 0);
  assert.equal(out.error, undefined);
  assert.deepEqual(out.outputs, {
    s: 'text',
    i: 42,
    f: 2.5,
    neg: -1,
    t: true,
    no: false,
    nil: null,
    list: [1, 'two', [3]],
    obj: { k: { deep: [true] } },
  });
  assert.ok(out.endedAt >= out.startedAt);
});

test('no output file → SUCCEEDED with no outputs', async () => {
  const out = await runAttempt(shell('nooutput', 'true'), opts).result;
  assert.equal(out.status, 'SUCCEEDED');
  assert.deepEqual(out.outputs, {});
});

test('non-zero exit → USER_FAILED with the exit code; outputs written so far are kept', async () => {
  const out = await runAttempt(
    shell('exit3', 'echo \'{"progress": 2}\' > "$BATON_OUTPUT_FILE"\nexit 3'),
    opts,
  ).result;
  assert.equal(out.status, 'USER_FAILED');
  assert.equal(out.exitCode, 3);
  assert.equal(out.error, 'script exited with code 3');
  assert.deepEqual(out.outputs, { progress: 2 });
});

test('script killed by a signal of its own → USER_FAILED naming the signal', async () => {
  const out = await runAttempt(shell('selfkill', 'kill -SEGV $$'), opts).result;
  assert.equal(out.status, 'USER_FAILED');
  assert.equal(out.signal, 'SIGSEGV');
  assert.match(out.error ?? '', /killed by signal SIGSEGV/);
});

test('plain bash: no -e, so a failing command mid-script does not stop it', async () => {
  const out = await runAttempt(
    shell('plainbash', 'false\necho \'{"reached": true}\' > "$BATON_OUTPUT_FILE"'),
    opts,
  ).result;
  assert.equal(out.status, 'SUCCEEDED');
  assert.deepEqual(out.outputs, { reached: true });
});

test('"baton_retryable": false with a non-zero exit → FATALLY_FAILED with baton_error as the message', async () => {
  const spec = shell(
    'fatal',
    `echo '{"baton_retryable": false, "baton_error": "input file is corrupt", "rows": 0}' > "$BATON_OUTPUT_FILE"
exit 1`,
  );
  const out = await runAttempt(spec, opts).result;
  assert.equal(out.status, 'FATALLY_FAILED');
  assert.equal(out.exitCode, 1);
  assert.equal(out.error, 'input file is corrupt (script exited with code 1)');
  assert.deepEqual(out.outputs, { rows: 0 }, 'reserved keys are not outputs');
});

test('"baton_retryable": false on exit 0 changes nothing: SUCCEEDED', async () => {
  const out = await runAttempt(
    shell('fatalok', 'echo \'{"baton_retryable": false, "x": 1}\' > "$BATON_OUTPUT_FILE"'),
    opts,
  ).result;
  assert.equal(out.status, 'SUCCEEDED');
  assert.deepEqual(out.outputs, { x: 1 });
});

test('params: scalars as env vars of the same name, all params as JSON in BATON_PARAMS_FILE', async () => {
  const params = {
    name: 'Ada',
    count: 3,
    ratio: 0.5,
    flag: true,
    off: false,
    tricky: 'line1\nline2 $HOME "q" \'s\'',
    list: [1, 'a'],
    cfg: { a: 'b' },
    nothing: null,
    'not-an-env-name': 'x',
    BATON_STEP_ID: 'spoofed',
    PATH: '/nowhere',
    HOME: '/root',
  };
  const spec = makeSpec('params', {
    stepType: 'PYTHON',
    params: { ...params, python: { script: INTROSPECT } },
  });
  const out = await runAttempt(spec, opts).result;
  assert.equal(out.status, 'SUCCEEDED', out.error);
  const { env, params: fileParams } = out.outputs as { env: Record<string, string>; params: unknown };
  assert.deepEqual(fileParams, spec.params, 'the params file holds every param, as given');
  assert.equal(env.name, 'Ada');
  assert.equal(env.count, '3');
  assert.equal(env.ratio, '0.5');
  assert.equal(env.flag, 'true');
  assert.equal(env.off, 'false');
  assert.equal(env.tricky, params.tricky);
  for (const name of ['list', 'cfg', 'nothing', 'not-an-env-name', 'python'])
    assert.equal(env[name], undefined, name);
  assert.equal(env.BATON_STEP_ID, 'step_1', 'params cannot spoof BATON_*');
  assert.notEqual(env.PATH, '/nowhere', 'params cannot replace PATH');
  assert.notEqual(env.HOME, '/root', 'params cannot replace HOME');
});

test('BATON_* identify the attempt; BATON_ATTEMPT_ID is the unique attempt key', async () => {
  const keys: string[] = [];
  for (const attemptId of [1, 2]) {
    const spec = makeSpec('ids', {
      attemptId,
      stepType: 'PYTHON',
      params: { python: { script: INTROSPECT } },
    });
    const out = await runAttempt(spec, opts).result;
    assert.equal(out.status, 'SUCCEEDED', out.error);
    const { env } = out.outputs as { env: Record<string, string> };
    assert.equal(env.BATON_WORKFLOW_ID, 'test.runner.ids');
    assert.equal(env.BATON_INSTANCE_ID, '7');
    assert.equal(env.BATON_RUN_ID, '2');
    assert.equal(env.BATON_STEP_ID, 'step_1');
    assert.equal(env.BATON_ATTEMPT_ID, spec.attemptKey);
    assert.equal(env.BATON_ATTEMPT_NUMBER, String(attemptId));
    keys.push(env.BATON_ATTEMPT_ID);
  }
  assert.notEqual(keys[0], keys[1]);
});

test('environment is scrubbed: only the allow-list, extraEnv, params and the runtime variables', async () => {
  const spec = makeSpec('scrub', {
    stepType: 'PYTHON',
    params: { who: 'me', python: { script: INTROSPECT } },
  });
  const out = await runAttempt(spec, { ...opts, extraEnv: { DELIBERATE: 'yes' } }).result;
  assert.equal(out.status, 'SUCCEEDED', out.error);
  const { env } = out.outputs as { env: Record<string, string> };
  for (const secret of [
    'MONGODB_URL',
    'REDIS_URL',
    'BATON_SECRET',
    'BATON_STEP_RUNTIME_PORT',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'NODE_OPTIONS',
    'AWS_SECRET_ACCESS_KEY',
  ]) {
    assert.equal(env[secret], undefined, `${secret} leaked`);
  }
  assert.ok(!JSON.stringify(env).includes('hunter2'), 'no secret value anywhere');
  const runtime = [
    'HOME',
    'TMPDIR',
    'BATON_WORKFLOW_ID',
    'BATON_INSTANCE_ID',
    'BATON_RUN_ID',
    'BATON_STEP_ID',
    'BATON_ATTEMPT_ID',
    'BATON_ATTEMPT_NUMBER',
    'BATON_WORK_DIR',
    'BATON_PARAMS_FILE',
    'BATON_OUTPUT_FILE',
  ];
  const allowed = new Set<string>([
    ...INHERITED_ENV_NAMES,
    ...runtime,
    'PYTHONUNBUFFERED',
    'DELIBERATE',
    'who',
  ]);
  // Variables the interpreter chain sets for itself: bash (PWD, SHLVL, _) and a pyenv shim, if python3 is one.
  const addedByInterpreter = (k: string) =>
    ['PWD', 'OLDPWD', 'SHLVL', '_'].includes(k) || /^_?PYENV_/.test(k);
  assert.deepEqual(
    Object.keys(env).filter((k) => !allowed.has(k) && !addedByInterpreter(k)),
    [],
  );
  assert.equal(env.DELIBERATE, 'yes');
  assert.equal(env.who, 'me');
  assert.ok(
    env.PATH.endsWith(process.env.PATH ?? '\0'),
    'PATH is inherited (a pyenv shim may prepend to it)',
  );
});

test('each attempt gets a fresh work dir (cwd = HOME, TMPDIR inside), removed afterwards', async () => {
  const seen: { cwd: string; listing: string[]; env: Record<string, string> }[] = [];
  for (let i = 0; i < 2; i++) {
    const out = await runAttempt(
      makeSpec('workdir', { stepType: 'PYTHON', params: { python: { script: INTROSPECT } } }),
      opts,
    ).result;
    assert.equal(out.status, 'SUCCEEDED', out.error);
    seen.push(out.outputs as (typeof seen)[number]);
    assert.ok(out.workDir && !existsSync(out.workDir), 'removed after the attempt');
  }
  assert.notEqual(seen[0].cwd, seen[1].cwd);
  for (const s of seen) {
    assert.ok(s.cwd.startsWith(root + '/'));
    assert.equal(s.env.HOME, s.cwd);
    assert.equal(s.env.BATON_WORK_DIR, s.cwd);
    assert.equal(s.env.TMPDIR, join(s.cwd, 'tmp'));
    assert.deepEqual(s.listing, ['.baton', 'mark.txt', 'tmp'], 'nothing left from the previous attempt');
  }
  // Spread here and below: node's arrays come from outside Jest's sandbox; deepStrictEqual compares prototypes.
  assert.deepEqual([...readdirSync(root)], []);
});

test('keepWorkDirs keeps the directory with the script, params and outputs', async () => {
  const { root: keepRoot, cleanup: done } = tempRoot('keep');
  try {
    const out = await runAttempt(shell('keep', 'echo \'{"a": 1}\' > "$BATON_OUTPUT_FILE"'), {
      ...opts,
      workRoot: keepRoot,
      keepWorkDirs: true,
    }).result;
    assert.equal(out.status, 'SUCCEEDED');
    assert.ok(out.workDir);
    assert.deepEqual([...readdirSync(join(out.workDir, '.baton'))].sort(), [
      'outputs.json',
      'params.json',
      'script.sh',
    ]);
  } finally {
    done();
  }
});

test('malformed output file → USER_FAILED with a clear error, even on exit 0', async () => {
  const cases: [string, string, RegExp][] = [
    [
      'badjson',
      `echo '{"a": ' > "$BATON_OUTPUT_FILE"`,
      /^output file \(BATON_OUTPUT_FILE\) is not valid JSON: /,
    ],
    ['array', `echo '[1, 2]' > "$BATON_OUTPUT_FILE"`, /must hold a JSON object, not an array/],
    ['string', `echo '"hi"' > "$BATON_OUTPUT_FILE"`, /must hold a JSON object, not a string/],
    [
      'reserved',
      `echo '{"baton_foo": 1}' > "$BATON_OUTPUT_FILE"`,
      /"baton_foo" uses the reserved prefix baton_/,
    ],
    [
      'retrytype',
      `echo '{"baton_retryable": "no"}' > "$BATON_OUTPUT_FILE"`,
      /"baton_retryable" must be true or false/,
    ],
    ['symlink', `ln -s /etc/passwd "$BATON_OUTPUT_FILE"`, /must not be a symlink/],
    ['fifo', `mkfifo "$BATON_OUTPUT_FILE"`, /is not a regular file/],
  ];
  for (const [label, script, error] of cases) {
    const out = await runAttempt(shell(label, script), opts).result;
    assert.equal(out.status, 'USER_FAILED', label);
    assert.equal(out.exitCode, 0, label);
    assert.match(out.error ?? '', error, label);
    assert.deepEqual(out.outputs, {}, label);
  }
});

test('malformed output with a non-zero exit names both problems', async () => {
  const out = await runAttempt(shell('badjson2', `echo 'nope' > "$BATON_OUTPUT_FILE"; exit 4`), opts).result;
  assert.equal(out.status, 'USER_FAILED');
  assert.match(out.error ?? '', /^script exited with code 4; output file .* not valid JSON/);
});

test('oversize output file → USER_FAILED naming the size and the limit', async () => {
  const out = await runAttempt(
    shell(
      'oversize',
      `python3 -c 'import json; print(json.dumps({"x": "a" * 5000}))' > "$BATON_OUTPUT_FILE"`,
    ),
    { ...opts, maxOutputBytes: 1024 },
  ).result;
  assert.equal(out.status, 'USER_FAILED');
  assert.match(out.error ?? '', /is 5010 bytes; the limit is 1024/);
});

test('Python step: python.script run by python3; an exception → USER_FAILED with the traceback in the log', async () => {
  const ok = await runAttempt(
    makeSpec('py', {
      stepType: 'PYTHON',
      params: {
        n: 4,
        python: {
          script:
            'import json, os\njson.dump({"sq": int(os.environ["n"]) ** 2}, open(os.environ["BATON_OUTPUT_FILE"], "w"))',
        },
      },
    }),
    opts,
  ).result;
  assert.equal(ok.status, 'SUCCEEDED', ok.error);
  assert.deepEqual(ok.outputs, { sq: 16 });

  const logs = logSink();
  const bad = await runAttempt(
    makeSpec('pyfail', { stepType: 'PYTHON', params: { script: 'raise ValueError("boom")' } }),
    { ...opts, onLog: logs.onLog },
  ).result;
  assert.equal(bad.status, 'USER_FAILED');
  assert.equal(bad.exitCode, 1);
  assert.match(logs.text('stderr'), /ValueError: boom/);
});

test('Shell: the top-level STRING param `script` works (examples/hello-world.json runs as written)', async () => {
  const example = JSON.parse(
    readFileSync(join(__dirname, '../../../../../examples/hello-world.json'), 'utf8'),
  );
  const step = example.workflow.steps.find((s: { step: { type: string } }) => s.step.type === 'Shell').step;
  const params = { greeting: example.workflow.params.greeting.value, script: step.params.script.value };
  const logs = logSink();
  const out = await runAttempt(makeSpec('hello', { params }), { ...opts, onLog: logs.onLog }).result;
  assert.equal(out.status, 'SUCCEEDED', out.error);
  assert.equal(logs.text('stdout'), 'hello from Baton\n');
});

test('shell.script wins over a top-level script', async () => {
  const logs = logSink();
  const out = await runAttempt(
    makeSpec('both', { params: { shell: { script: 'echo map' }, script: 'echo top' } }),
    { ...opts, onLog: logs.onLog },
  ).result;
  assert.equal(out.status, 'SUCCEEDED');
  assert.equal(logs.text(), 'map\n');
});

test('missing or unusable script → FATALLY_FAILED with a message saying what is needed', async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'SHELL',
      {},
      /^Shell step needs a non-empty STRING 'shell.script' param \(or a top-level 'script'\); it has neither$/,
    ],
    [
      'PYTHON',
      { python: {} },
      /^Python step needs a non-empty STRING 'python.script' param .*; it has neither$/,
    ],
    ['SHELL', { shell: 'echo hi' }, /'shell' is not a MAP$/],
    ['SHELL', { shell: { script: 42 } }, /the script is a number$/],
    ['SHELL', { script: '  \n' }, /the script is empty$/],
  ];
  for (const [stepType, params, error] of cases) {
    const out = await runAttempt(
      makeSpec('noscript', { stepType: stepType as 'SHELL', params: params as never }),
      opts,
    ).result;
    assert.equal(out.status, 'FATALLY_FAILED', JSON.stringify(params));
    assert.match(out.error ?? '', error);
    assert.equal(out.exitCode, undefined);
    assert.equal(out.workDir, undefined, 'nothing was created');
  }
});

test('the interpreter cannot be started → PLATFORM_FAILED with the reason', async () => {
  const running = runAttempt(shell('nobash', 'true'), {
    ...opts,
    interpreters: { SHELL: '/nonexistent/bash' },
  });
  const out = await running.result;
  assert.equal(out.status, 'PLATFORM_FAILED');
  assert.match(out.error ?? '', /^could not start \/nonexistent\/bash: .*ENOENT/);
  assert.equal(running.pid, undefined);
  assert.deepEqual([...readdirSync(root)], [], 'the work dir is still cleaned up');
});

test('the work dir cannot be created → PLATFORM_FAILED with the reason', async () => {
  const file = join(root, '..', `not-a-dir-${process.pid}`);
  writeFileSync(file, '');
  try {
    const out = await runAttempt(shell('nodir', 'true'), { ...opts, workRoot: file }).result;
    assert.equal(out.status, 'PLATFORM_FAILED');
    assert.match(out.error ?? '', /^could not prepare the work dir: /);
  } finally {
    rmSync(file);
  }
});

test('an unknown step type or a malformed spec → PLATFORM_FAILED; bad options throw at once', async () => {
  const unknown = await runAttempt(
    makeSpec('unknown', { stepType: 'SPARK' as 'SHELL', params: { script: 'x' } }),
    opts,
  ).result;
  assert.equal(unknown.status, 'PLATFORM_FAILED');
  assert.match(unknown.error ?? '', /step type 'SPARK' cannot run here \(known: SHELL, PYTHON, NOTEBOOK\)/);

  const badSpec = await runAttempt(shell('badspec', 'true', { timeoutSeconds: -1 }), opts).result;
  assert.equal(badSpec.status, 'PLATFORM_FAILED');
  assert.match(badSpec.error ?? '', /timeoutSeconds/);

  assert.throws(
    () => runAttempt(shell('badopts', 'true'), { workRoot: 'relative/dir' }),
    (e: unknown) => e instanceof RunnerError && e.code === 'INVALID_OPTIONS',
  );
  assert.throws(
    () => runAttempt(shell('badopts', 'true'), { ...opts, maxLogBytes: 10, logTailBytes: 10 }),
    /logTailBytes must be less than maxLogBytes/,
  );
  assert.throws(
    () => runAttempt(shell('badopts', 'true'), { ...opts, extraEnv: { 'A-B': 'x' } }),
    /not a valid environment variable name/,
  );
});
