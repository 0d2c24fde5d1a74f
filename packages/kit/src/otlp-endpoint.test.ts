import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { EnvReader, readOtlpEndpoint } from './config';

const read = (env: Record<string, string>) => {
  const r = new EnvReader(env);
  const endpoint = readOtlpEndpoint(r);
  try {
    r.done();
    return endpoint;
  } catch (err) {
    return `error: ${(err as Error & { problems?: string[] }).problems?.join('; ')}`;
  }
};

test('the OTLP endpoint is loopback unless BATON_OTEL_ALLOW_REMOTE=1 says otherwise', () => {
  assert.equal(read({}), 'http://127.0.0.1:4318');
  assert.equal(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }), 'http://localhost:4318');
  assert.match(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318' }), /^error: .*loopback/);
  assert.equal(
    read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318', BATON_OTEL_ALLOW_REMOTE: '1' }),
    'https://collector.example:4318',
  );
  assert.match(
    read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector.example', BATON_OTEL_ALLOW_REMOTE: '1' }),
    /^error: .*http/,
  );
  assert.match(read({ BATON_OTEL_ALLOW_REMOTE: 'yes' }), /^error: BATON_OTEL_ALLOW_REMOTE/);
});
