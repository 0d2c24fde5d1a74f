import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';

// Wire codec for grpc.reflection.v1(alpha).ServerReflectionRequest/Response. Both
// versions share field numbers, so one codec serves both services.

export type ReflectionQuery =
  | { kind: 'fileByFilename'; value: string }
  | { kind: 'fileContainingSymbol'; value: string }
  | { kind: 'fileContainingExtension'; value: string }
  | { kind: 'allExtensionNumbersOfType'; value: string }
  | { kind: 'listServices' }
  | { kind: 'unknown' };

export interface ReflectionRequest {
  host: string;
  query: ReflectionQuery;
  raw: Uint8Array;
}

export function decodeRequest(bytes: Uint8Array): ReflectionRequest {
  const r = new BinaryReader(bytes);
  let host = '';
  let query: ReflectionQuery = { kind: 'unknown' };
  while (r.pos < r.len) {
    const [field, wireType] = r.tag();
    switch (field) {
      case 1:
        host = r.string();
        break;
      case 3:
        query = { kind: 'fileByFilename', value: r.string() };
        break;
      case 4:
        query = { kind: 'fileContainingSymbol', value: r.string() };
        break;
      case 5: {
        // ExtensionRequest { containing_type = 1; extension_number = 2; }
        const sub = new BinaryReader(r.bytes());
        let type = '';
        while (sub.pos < sub.len) {
          const [f, w] = sub.tag();
          if (f === 1) type = sub.string();
          else sub.skip(w);
        }
        query = { kind: 'fileContainingExtension', value: type };
        break;
      }
      case 6:
        query = { kind: 'allExtensionNumbersOfType', value: r.string() };
        break;
      case 7:
        r.string();
        query = { kind: 'listServices' };
        break;
      default:
        r.skip(wireType);
    }
  }
  return { host, query, raw: bytes };
}

export type ReflectionAnswer =
  | { kind: 'files'; files: Uint8Array[] }
  | { kind: 'services'; names: string[] }
  | { kind: 'extensionNumbers'; type: string; numbers: number[] }
  | { kind: 'error'; code: number; message: string };

export function encodeResponse(req: ReflectionRequest, answer: ReflectionAnswer): Uint8Array {
  const w = new BinaryWriter();
  w.uint32((1 << 3) | 2).string(req.host);
  w.uint32((2 << 3) | 2).bytes(req.raw);
  switch (answer.kind) {
    case 'files': {
      w.uint32((4 << 3) | 2).fork();
      for (const f of answer.files) w.uint32((1 << 3) | 2).bytes(f);
      w.join();
      break;
    }
    case 'services': {
      w.uint32((6 << 3) | 2).fork();
      for (const name of answer.names) {
        w.uint32((1 << 3) | 2).fork();
        w.uint32((1 << 3) | 2).string(name);
        w.join();
      }
      w.join();
      break;
    }
    case 'extensionNumbers': {
      w.uint32((5 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).string(answer.type);
      for (const n of answer.numbers) w.uint32((2 << 3) | 0).int32(n);
      w.join();
      break;
    }
    case 'error': {
      w.uint32((7 << 3) | 2).fork();
      w.uint32((1 << 3) | 0).int32(answer.code);
      w.uint32((2 << 3) | 2).string(answer.message);
      w.join();
      break;
    }
  }
  return w.finish();
}
