import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  type DescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
} from '@bufbuild/protobuf/wkt';
import { type Server, type ServerDuplexStream, type ServiceDefinition, status } from '@grpc/grpc-js';
import {
  decodeRequest,
  encodeResponse,
  type ReflectionAnswer,
  type ReflectionRequest,
} from './reflection-codec';

/**
 * gRPC server reflection served from the exact FileDescriptorSet that `buf build`
 * produced (embedded in @baton/proto). @grpc/reflection's own descriptors carry
 * synthetic file names and no dependency list, which strict clients (grpcurl,
 * buf curl) cannot resolve; real files with real dependencies fix that.
 */
export class DescriptorIndex {
  private readonly files = new Map<string, { bytes: Uint8Array; deps: string[] }>();
  private readonly symbols = new Map<string, string>();

  constructor(descriptorSet: Uint8Array) {
    const set = fromBinary(FileDescriptorSetSchema, descriptorSet);
    for (const file of set.file) this.add(file);
  }

  private add(file: FileDescriptorProto): void {
    this.files.set(file.name, { bytes: toBinary(FileDescriptorProtoSchema, file), deps: file.dependency });
    const pkg = file.package ? `${file.package}.` : '';
    const addMessage = (m: DescriptorProto, prefix: string) => {
      const full = `${prefix}${m.name}`;
      this.symbols.set(full, file.name);
      for (const f of m.field) this.symbols.set(`${full}.${f.name}`, file.name);
      for (const e of m.enumType) this.symbols.set(`${full}.${e.name}`, file.name);
      for (const n of m.nestedType) addMessage(n, `${full}.`);
    };
    for (const m of file.messageType) addMessage(m, pkg);
    for (const e of file.enumType) {
      this.symbols.set(`${pkg}${e.name}`, file.name);
      for (const v of e.value) this.symbols.set(`${pkg}${v.name}`, file.name);
    }
    for (const s of file.service) {
      this.symbols.set(`${pkg}${s.name}`, file.name);
      for (const m of s.method) this.symbols.set(`${pkg}${s.name}.${m.name}`, file.name);
    }
  }

  /** The file and every file it depends on, transitively (the file itself first). */
  closure(fileName: string): Uint8Array[] | undefined {
    if (!this.files.has(fileName)) return undefined;
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const f = this.files.get(name);
      if (!f) return;
      out.push(f.bytes);
      for (const d of f.deps) visit(d);
    };
    visit(fileName);
    return out;
  }

  fileOfSymbol(symbol: string): string | undefined {
    return this.symbols.get(symbol.replace(/^\./, ''));
  }
}

const NOT_FOUND = status.NOT_FOUND;

function answer(index: DescriptorIndex, services: string[], req: ReflectionRequest): ReflectionAnswer {
  const q = req.query;
  switch (q.kind) {
    case 'listServices':
      return { kind: 'services', names: services };
    case 'fileByFilename': {
      const files = index.closure(q.value);
      return files
        ? { kind: 'files', files }
        : { kind: 'error', code: NOT_FOUND, message: `file not found: ${q.value}` };
    }
    case 'fileContainingSymbol': {
      const file = index.fileOfSymbol(q.value);
      const files = file ? index.closure(file) : undefined;
      return files
        ? { kind: 'files', files }
        : { kind: 'error', code: NOT_FOUND, message: `symbol not found: ${q.value}` };
    }
    case 'allExtensionNumbersOfType':
      // Baton's protos declare no extensions.
      return index.fileOfSymbol(q.value)
        ? { kind: 'extensionNumbers', type: q.value, numbers: [] }
        : { kind: 'error', code: NOT_FOUND, message: `type not found: ${q.value}` };
    case 'fileContainingExtension':
      return { kind: 'error', code: NOT_FOUND, message: 'no extensions are declared' };
    default:
      return { kind: 'error', code: status.INVALID_ARGUMENT, message: 'unsupported reflection request' };
  }
}

function definitionFor(pkg: string): ServiceDefinition {
  const identity = (b: Buffer) => b;
  return {
    ServerReflectionInfo: {
      path: `/${pkg}.ServerReflection/ServerReflectionInfo`,
      requestStream: true,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
      originalName: 'serverReflectionInfo',
    },
  } as ServiceDefinition;
}

/** Adds grpc.reflection.v1 and v1alpha to the server, listing `services` and grpc.health.v1.Health. */
export function addReflection(server: Server, descriptorSet: Uint8Array, services: string[]): void {
  const index = new DescriptorIndex(descriptorSet);
  const listed = [...services, 'grpc.health.v1.Health'];
  const handler = (call: ServerDuplexStream<Buffer, Buffer>) => {
    call.on('data', (bytes: Buffer) => {
      const req = decodeRequest(bytes);
      call.write(Buffer.from(encodeResponse(req, answer(index, listed, req))));
    });
    call.on('end', () => call.end());
    call.on('error', () => call.end());
  };
  for (const pkg of ['grpc.reflection.v1', 'grpc.reflection.v1alpha']) {
    server.addService(definitionFor(pkg), { ServerReflectionInfo: handler });
  }
}
