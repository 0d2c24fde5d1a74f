import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import type { JsonValue } from './json';
import { interpolateScript, ScriptInterpolationError } from './script-interpolation';

const dir = mkdtempSync(join(tmpdir(), 'baton-script-interp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MARKER = join(dir, 'pwned');

/** Values that each run `touch MARKER` when spliced into a shell script as raw text. */
const HOSTILE: Record<string, string> = {
  command_substitution: `$(touch ${MARKER})`,
  backticks: `\`touch ${MARKER}\``,
  single_quote: `'; touch ${MARKER}; echo '`,
  double_quote: `"; touch ${MARKER}; echo "`,
  newline: `x\ntouch ${MARKER}\n`,
  semicolon_and_glob: `a b; touch ${MARKER} *`,
  quote_escape: `'\\''$(touch ${MARKER})'\\''`,
  dollar_brace: `\${IFS}$(touch ${MARKER})`,
};

function runBash(script: string): string {
  const file = join(dir, 'script.sh');
  writeFileSync(file, script);
  return execFileSync('bash', [file], { cwd: dir, encoding: 'utf8' });
}

describe('Shell script interpolation runs no value as code', () => {
  for (const [label, value] of Object.entries(HOSTILE)) {
    test(`${label}: nothing runs, and the value arrives intact quoted and unquoted`, () => {
      const lookup = (n: string): JsonValue | undefined => (n === 'v' ? value : undefined);
      const script = interpolateScript(
        'Shell',
        [
          `printf '%s' "\${v}" > quoted.out`,
          'printf "%s" "$v" > simple.out',
          'echo ${v} > /dev/null',
          'cat <<EOF > heredoc.out',
          '${v}',
          'EOF',
        ].join('\n'),
        lookup,
      );
      runBash(script);
      assert.equal(existsSync(MARKER), false, `the value ran: ${script}`);
      assert.equal(readFileSync(join(dir, 'quoted.out'), 'utf8'), value);
      assert.equal(readFileSync(join(dir, 'simple.out'), 'utf8'), value);
      assert.equal(readFileSync(join(dir, 'heredoc.out'), 'utf8'), `${value}\n`);
    });
  }

  test('NUL cannot reach a shell variable: the param fails, nothing runs', () => {
    assert.throws(
      () => interpolateScript('Shell', 'echo "${v}"', () => `a\0$(touch ${MARKER})`),
      ScriptInterpolationError,
    );
  });

  test('plain values (dates, numbers, ids, paths) are spliced as before: Maestro scripts are unchanged', () => {
    const values: Record<string, JsonValue> = {
      greeting: 'hello',
      d: '2024-01-01',
      n: 42,
      p: '/data/x_1.csv',
      b: true,
    };
    const script = interpolateScript(
      'Shell',
      'echo "${greeting} from Baton" ${d} $n ${p} ${b}',
      (n) => values[n],
    );
    assert.equal(script, 'echo "hello from Baton" 2024-01-01 42 /data/x_1.csv true');
    assert.equal(runBash(script), 'hello from Baton 2024-01-01 42 /data/x_1.csv true\n');
  });

  test('a value with spaces inside double quotes prints as the raw text did', () => {
    const script = interpolateScript('Shell', 'echo "${g} from Baton"', () => 'hello, world');
    assert.equal(runBash(script), 'hello, world from Baton\n');
  });
});

describe('Python script interpolation', () => {
  test('numbers and plain words are spliced; anything else fails the param with advice', () => {
    assert.equal(
      interpolateScript('Python', "print('attempt', ${i})", () => 3),
      "print('attempt', 3)",
    );
    assert.equal(
      interpolateScript('Python', "print('${w}')", () => 'hello world'),
      "print('hello world')",
    );
    for (const value of Object.values(HOSTILE)) {
      assert.throws(
        () => interpolateScript('Python', "print('${v}')", () => value),
        /os\.environ or from BATON_PARAMS_FILE/,
      );
    }
  });
});

describe('Docker command interpolation', () => {
  test('plain values are spliced; a value that could be shell code fails, pointing to the environment', () => {
    assert.equal(
      interpolateScript('Command', '--day=${d}', () => '2024-01-01'),
      '--day=2024-01-01',
    );
    for (const value of Object.values(HOSTILE)) {
      assert.throws(
        () => interpolateScript('Command', 'echo ${v}', () => value),
        /read it from the environment/,
      );
    }
  });
});

describe('SQL statement interpolation', () => {
  test('identifiers, numbers and dates are spliced; anything that could change the SQL fails with advice', () => {
    assert.equal(
      interpolateScript('SQL', 'SELECT count(*) FROM events_${day} WHERE n > ${n}', (k) =>
        k === 'day' ? '20240101' : 5,
      ),
      'SELECT count(*) FROM events_20240101 WHERE n > 5',
    );
    assert.equal(
      interpolateScript('SQL', "WHERE d = '${d}'", () => '2024-01-01'),
      "WHERE d = '2024-01-01'",
    );
    for (const value of [
      "x' OR '1'='1",
      '1; DROP TABLE t',
      '1 --',
      'a--',
      '1/**/OR/**/1=1',
      '0 UNION SELECT password FROM users',
      '# comment',
      ...Object.values(HOSTILE),
    ]) {
      assert.throws(
        () => interpolateScript('SQL', 'SELECT * FROM t WHERE id = ${id}', () => value),
        /put it in the MAP param sql\.bind and write :id/,
        value,
      );
    }
  });
});
