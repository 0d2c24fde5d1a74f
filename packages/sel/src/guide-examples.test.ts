import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type ParamHostData, SelError, createParamHost, evaluate } from './index';

/**
 * Every example of Maestro's SEL language guide (netflix-sel/docs/lang-guide), with the result
 * the guide documents. Time-dependent examples run on a fixed clock.
 */
const NOW = Date.UTC(2021, 6, 7, 1, 0, 0, 123); // 2021-07-07T01:00:00.123Z
const data: ParamHostData = {
  now: NOW,
  params: { param1: 'v1', startDateTime: 20190101, endDateTime: 20190131, strParam: ['a', 'b', 'c'] },
  steps: {
    step1: { param1: 'from-step', MAESTRO_STEP_STATUS: 'SUCCEEDED', MAESTRO_STEP_END_TIME: 1625619600000 },
  },
  currentStep: {
    MAESTRO_STEP_STATUS: 'COMPLETED_WITH_ERROR',
    MAESTRO_STEP_END_TIME: 1625619600000,
    step_id: 'job1',
  },
  signals: { signal1: { param1: 's1' } },
  signalDependencies: { signal1: { param1: 'dep1' } },
  foreach: { 'foreach-job1': { 'foreach-step1': { param1: [1, 2, 3] } } },
  subworkflows: { 'subworkflow-job1': { 'sub-step1': { param1: 'sub' } } },
  instance: { INITIATOR_TIMEZONE: 'US/Pacific', owner: 'me' },
};
const host = createParamHost(data);
const run = (src: string) => evaluate(src, host, { now: () => NOW });

const GUIDE: [string, string, unknown][] = [
  // data-type.md
  ['data-type', '123;', 123],
  ['data-type', '12.3;', 12.3],
  ['data-type', '"hello world";', 'hello world'],
  ['data-type', "'hello world';", 'hello world'],
  ['data-type', 'String s = "hello world"; s;', 'hello world'],
  ['data-type', 's = "hello " + "world";', 'hello world'],
  ['data-type', 'long l = 123;\nLong l = 123;\nl = 12 - 3;', 9n],
  ['data-type', 'double d = 12.3;\nDouble d = 12.3;\nd = 1 + 2.3;', 3.3],
  ['data-type', 'boolean b = true;\nBoolean b = false;\nb = 2 > 1;', true],
  [
    'data-type',
    "Map m = new Map();\nMap m = new HashMap();\nm = new Map();\nm = new HashMap();\nm.put('foo', 'bar'); m",
    { foo: 'bar' },
  ],
  [
    'data-type',
    "String[] sa = new String[]{'hello', 'world'};\nsa = 'hello world'.split(' ');",
    ['hello', 'world'],
  ],
  [
    'data-type',
    'long[] l = new long[]{1, 2, 3};\nLong[] l = new Long[]{1, 2, 3};\nl = new long[]{1, 2, 3};\nl = new Long[]{1, 2, 3};',
    [1n, 2n, 3n],
  ],
  [
    'data-type',
    'double[] d = new double[]{1.2, 3.0};\nDouble[] d = new double[]{1.2, 3.0};\nd = new double[]{1.2, 3.0};\nd = new Double[]{1.2, 3.0};',
    [1.2, 3],
  ],
  [
    'data-type',
    'boolean[] b = new boolean[]{true, false};\nBoolean[] b = new Boolean[]{true, false};\nb = new boolean[]{2 > 1, 2 < 1};\nb = new Boolean[]{2 > 1, 2 < 1};',
    [true, false],
  ],
  ['data-type', 'int l = 123;\nInteger l = 123;\nl = 12 - 3;', 9],
  ['data-type', 'float d = 12.3f;\nFloat d = 12.3f;\nd = 1.0f + 2.3f;', 3.3],
  [
    'data-type',
    'int[] l = new int[]{1, 2, 3};\nInteger[] l = new Integer[]{1, 2, 3};\nl = new int[]{1, 2, 3};\nl = new Integer[]{1, 2, 3};',
    [1, 2, 3],
  ],
  [
    'data-type',
    'float[] d = new float[]{1.2f, 3.0f};\nFloat[] d = new Float[]{1.2f, 3.0f};\nd = new float[]{1.2f, 3.0f};\nd = new Float[]{1.2f, 3.0f};',
    [1.2, 3],
  ],
  ['data-type', "params['param1'] + param1", 'v1v1'],
  // operator.md
  ['operator', 'x = 2 > 1 ? 10 : -10;', 10],
  ['operator', 'x = 2 > 1;', true],
  ['operator', 'x = 2 < 1;', false],
  ['operator', 'x = !true;', false],
  ['operator', 'x = 2 == 1;', false],
  ['operator', 'x = 2 <= 1;', false],
  ['operator', 'x = 2 >= 1;', true],
  ['operator', 'x = 2 != 1;', true],
  ['operator', 'x = true || false;', true],
  ['operator', 'x = true && false;', false],
  ['operator', 'x = 1 + 2;', 3],
  ['operator', 'x = 1 - 2;', -1],
  ['operator', 'x = 1 * 2;', 2],
  ['operator', 'x = 1 / 2;', 0],
  ['operator', 'x = 1.0 / 2;', 0.5],
  ['operator', 'x = 1 % 2;', 1],
  ['operator', 'x = 1;\nx += 2;', 3],
  ['operator', 'x = 1;\nx -= 2;', -1],
  ['operator', 'x = 1;\nx *= 2;', 2],
  ['operator', 'x = 1;\nx /= 2;', 0],
  ['operator', 'x = 1;\nx %= 2;', 1],
  ['operator', "'hello'.compareTo('world') > 0", false],
  // expression.md
  ['expression', 'x = 1;\nx *= 2;', 2],
  ['expression', 'x = -3; x > 0 ? x : -x;', 3],
  ['expression', 'x = 5; x < 1 || x > 10;', false],
  ['expression', 'x = 5; x > 1 && x < 10;', true],
  ['expression', 'x = 1; x==1;', true],
  ['expression', 'x = 1; x!=1;', false],
  ['expression', 'x = 2; x > 1;', true],
  ['expression', '1+2;', 3],
  ['expression', '6/2;', 3],
  ['expression', 'x = 4; +x;', 4],
  ['expression', 'x = 4; -x;', -4],
  ['expression', '"hello word"; true; null; 1; 2.3;', 2.3],
  ['expression', 'String.valueOf(1);', '1'],
  ['expression', 'int[] arr = new int[]{1,2,3}; arr[0];', 1],
  ['expression', "Map m = new Map(); m['foo'];", null],
  ['expression', 'new String("hello");', 'hello'],
  // statement.md
  ['statement', '{\n  x = 10; \n  x += 10; \n}', 20],
  ['statement', 'x = 10; ', 10],
  ['statement', 'if (2 > 1) x = 10; else x = -10;', 10],
  ['statement', 'int x=10; if(x>0) x+=10; else x-=10; return x;', 20],
  ['statement', 'int x = 0; while(x<10) x+=3; return x;', 12],
  ['statement', 'for(x=0; x<10; x+=1) x+=1; return x;', 10],
  ['statement', 'for(x=0; x<10; x+=1) break; return x;', 0],
  ['statement', 'for(x=0; x<10; x+=1) {x+=10; continue; x+=10;} return x;', 11],
  ['statement', 'for(x=0; x<10; x+=1) {x+=10; return x; x+=10;}', 10],
  // getting-started.md
  ['getting-started', "String.join(' ', 'hello', 'world');", 'hello world'],
  ['getting-started', '// single\n/* multi\nline */ 1 + 1', 2],
  // class-function.md
  ['class-function', 'return Math.min(1, 2);', 1],
  ['class-function', 'return Math.max(1, 2);', 2],
  ['class-function', 'return Math.pow(2, 3);', 8],
  ['class-function', "return DateTimeZone.forID('UTC');", 'UTC'],
  ['class-function', 'return DateTimeZone.UTC.getOffset(new DateTime());', 0],
  ['class-function', 'return DateTimeZone.UTC;', 'UTC'],
  [
    'class-function',
    'DateTime dt1 = new DateTime(0L); DateTime dt2 = dt1.plusDays(3); return Days.daysBetween(dt1, dt2).getDays();',
    3,
  ],
  [
    'class-function',
    'Days days = Days.daysBetween(new DateTime(0L), new DateTime(86400000L * 10)); return days.getDays();',
    10,
  ],
  ['class-function', 'return Util.dateIntHourToTs("20210707", "01", "UTC", 0, 0);', 1625619600000n],
  [
    'class-function',
    'return Util.dateIntsBetween(20200226, 20200303, 1);',
    [20200226n, 20200227n, 20200228n, 20200229n, 20200301n, 20200302n],
  ],
  ['class-function', "return params.get('param1');", 'v1'],
  ['class-function', "return params['param1'];", 'v1'],
  ['class-function', "return params.containsKey('param1');", true],
  ['class-function', "return params.getFromStep('step1', 'param1');", 'from-step'],
  ['class-function', "return params.getFromStep('step1', 'MAESTRO_STEP_STATUS');", 'SUCCEEDED'],
  ['class-function', "return params.getFromStep('step1', 'MAESTRO_STEP_END_TIME');", 1625619600000n],
  ['class-function', "return params.getFromStep('MAESTRO_STEP_STATUS');", 'COMPLETED_WITH_ERROR'],
  ['class-function', "return params.getFromStep('MAESTRO_STEP_STATUS') == 'COMPLETED_WITH_ERROR';", true],
  ['class-function', "return params.getFromStep('MAESTRO_STEP_END_TIME');", 1625619600000n],
  ['class-function', "return params.getFromStep('step_id');", 'job1'],
  ['class-function', "return params.getFromSignal('signal1', 'param1');", 's1'],
  ['class-function', "return params.getFromSignalOrDefault('signal1', 'param1', 'value1');", 's1'],
  ['class-function', "return params.getFromSignalOrDefault('signal9', 'param1', 'value1');", 'value1'],
  ['class-function', "return params.getFromSignalDependency('signal1', 'param1');", 'dep1'],
  [
    'class-function',
    "return params.getFromForeach('foreach-job1', 'foreach-step1', 'param1');",
    [1n, 2n, 3n],
  ],
  ['class-function', "return params.getFromSubworkflow('subworkflow-job1', 'sub-step1', 'param1');", 'sub'],
  ['class-function', "return params.getFromInstance('INITIATOR_TIMEZONE');", 'US/Pacific'],
  ['class-function', 'return System.currentTimeMillis();', BigInt(NOW)],
  ['class-function', 'return DateTimeConstants.SUNDAY;', 7],
  ['class-function', 'step1__param1', 'from-step'],
  // example.md
  [
    'example 1',
    "for (int i = 0; i < strParam.length; i += 1) {\n  if (strParam[i].isEmpty()) {\n    throw i + '-th element in the array is empty. Please check the input.';\n  }\n}\nreturn String.join(',', strParam);",
    'a,b,c',
  ],
  [
    'example 2',
    'return Util.dateIntsBetween(startDateTime, endDateTime, 7);',
    [20190101n, 20190108n, 20190115n, 20190122n, 20190129n],
  ],
  [
    'example 3',
    `DateTimeFormatter fmt = DateTimeFormat.forPattern('yyyyMMdd').withZone(DateTimeZone.forID('UTC'));
DateTime d1 = fmt.parseDateTime(String.valueOf(startDateTime));
DateTime d2 = fmt.parseDateTime(String.valueOf(endDateTime));

if (!d1.isBefore(d2)) {
  return new int[0];
}

int months = 12 * (d2.getYear() - d1.getYear()) + (d2.getMonthOfYear() - d1.getMonthOfYear());
months += d1.getDayOfMonth() == 1 ? 0 : -1; // adjust months for the start
months += d2.getDayOfMonth() == 1 ? 0 : 1;  // adjust months for the end

if (d1.getDayOfMonth() > 1) {
  d1 = d1.withDayOfMonth(1).plusMonths(1);  // adjust the start month
}

int[] ret = new int[months];
for(int i=0; i < months; i+=1) {
   ret[i] = Integer.valueOf(d1.plusMonths(i).toString("yyyyMMdd"));
}
return ret;`,
    [20190101],
  ],
  [
    'example 4',
    'new DateTime(System.currentTimeMillis()).withZone(DateTimeZone.UTC).toString("yyyy-MM-dd HH:mm:ss.SSSSSS");',
    '2021-07-07 01:00:00.123000',
  ],
  [
    'example 5',
    "DateTime dt = new DateTime().withZone(DateTimeZone.forID('US/Pacific'));\nreturn String.format('Q%s-%s', ((dt.getMonthOfYear() - 1) / 3) + 1, dt.getYear());",
    'Q3-2021',
  ],
];

describe('language guide examples', () => {
  for (const [file, src, want] of GUIDE) {
    test(`${file}: ${src.split('\n')[0].slice(0, 70)}`, () => assert.deepEqual(run(src), want));
  }
  test('statement: throw "invalid variable value: " + x', () => {
    assert.throws(
      () => run('x = 5; throw "invalid variable value: " + x;'),
      (e: unknown) =>
        e instanceof SelError && e.code === 'THROWN' && e.detail === 'invalid variable value: 5',
    );
  });
  test('statement: for(;;) {} is an infinite loop, stopped by the loop limit', () => {
    assert.throws(
      () => run('for(;;) {}'),
      (e: unknown) => e instanceof SelError && e.code === 'LIMIT_LOOP',
    );
  });
  test('example 1 throws on an empty element', () => {
    const h = createParamHost({ params: { strParam: ['a', '', 'c'] } });
    const src =
      "for (int i = 0; i < strParam.length; i += 1) { if (strParam[i].isEmpty()) { throw i + '-th element in the array is empty. Please check the input.'; } } return String.join(',', strParam);";
    assert.throws(
      () => evaluate(src, h),
      (e: unknown) =>
        e instanceof SelError && e.detail === '1-th element in the array is empty. Please check the input.',
    );
  });
  test('class-function: random, UUID, nextUniqueId', () => {
    const r = run('return Math.random();') as number;
    assert.ok(r >= 0 && r < 1);
    assert.match(
      run('return UUID.randomUUID().toString();') as string,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.equal(typeof run('return params.nextUniqueId();'), 'bigint');
  });
  test('class-function: getFromInstance of a missing field is an error', () => {
    assert.throws(
      () => run("return params.getFromInstance('INITIATOR_RUNNER_NAME');"),
      (e: unknown) => e instanceof SelError && e.code === 'PARAM',
    );
  });
});
