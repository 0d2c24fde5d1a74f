import {
  createFileRegistry,
  type DescMessage,
  type FileRegistry,
  fromJson,
  type JsonValue,
  toBinary,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { fromBinary } from '@bufbuild/protobuf';
import { descriptorSetBase64, type MessageFns } from '@baton/proto';
import type { FieldViolation } from '@baton/sdk';

/**
 * Reads a request from the browser's JSON strictly, by the API's own descriptors: a string where a
 * number is due, an unknown key, a bad enum name or timestamp is refused naming the field. ts-proto's
 * fromJSON alone would coerce (`"abc"` → NaN, `5` → `"5"`) and drop unknown keys silently.
 *
 * The JSON is the proto3 JSON mapping (camelCase or proto names, int64 as strings, Timestamps as
 * RFC 3339, oneof members as plain fields), which is what ts-proto's toJSON writes, so the browser
 * sends back what it was given. The checked message is then handed to ts-proto through the wire
 * format, the shape the SDK calls with.
 */
export class RequestCodec {
  private readonly registry: FileRegistry;

  constructor() {
    this.registry = createFileRegistry(
      fromBinary(FileDescriptorSetSchema, Buffer.from(descriptorSetBase64, 'base64')),
    );
  }

  /** The message descriptor of a full type name; throws when the API has none (a build mistake). */
  schemaOf(typeName: string): DescMessage {
    const schema = this.registry.getMessage(typeName);
    if (!schema) throw new Error(`no descriptor for ${typeName}`);
    return schema;
  }

  /** The decoded request, or every problem found (the JSON reader stops at the first one). */
  decode<T>(
    schema: DescMessage,
    codec: MessageFns<T>,
    json: JsonValue,
    field: string,
  ): { value: T } | { violations: FieldViolation[] } {
    let bytes: Uint8Array;
    try {
      bytes = toBinary(schema, fromJson(schema, json, { ignoreUnknownFields: false, recursionLimit: 32 }));
    } catch (err) {
      return { violations: [violationOf(err, field)] };
    }
    return { value: codec.decode(bytes) };
  }
}

/**
 * The field a JSON reading error names: @bufbuild/protobuf wraps a FieldError (which knows its
 * field) in a plain Error, and says an unknown key in words.
 */
export function violationOf(err: unknown, field: string): FieldViolation {
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { field?: () => { jsonName?: string; name: string } } }).cause;
  const named = typeof cause?.field === 'function' ? cause.field() : undefined;
  if (named) return { field: `${field}.${named.jsonName ?? named.name}`, description: message };
  const unknown = /key "([^"]{1,200})" is unknown/.exec(message);
  if (unknown) return { field: `${field}.${unknown[1]}`, description: 'unknown field' };
  return { field, description: message };
}
