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
    const shapes = shapeViolations(schema, json, field);
    if (shapes.length > 0) return { violations: shapes };
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
 * Where a message is due and something else was sent, with its full path: the JSON reader would only
 * name the message type. Every such problem is collected; scalars are left to the reader (which names
 * the field). google.protobuf types have JSON forms of their own (a Timestamp is a string, a Struct
 * any object) and are not walked.
 */
function shapeViolations(schema: DescMessage, json: JsonValue, path: string, depth = 0): FieldViolation[] {
  if (depth > 32 || json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  const out: FieldViolation[] = [];
  const isObject = (v: JsonValue) => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const [key, value] of Object.entries(json)) {
    const f = schema.fields.find((x) => x.jsonName === key || x.name === key);
    if (!f || value === null) continue;
    const at = `${path}.${f.jsonName}`;
    const message =
      f.fieldKind === 'message' ||
      (f.fieldKind === 'list' && f.listKind === 'message') ||
      (f.fieldKind === 'map' && f.mapKind === 'message')
        ? f.message
        : undefined;
    if (!message || message.typeName.startsWith('google.protobuf.')) {
      if (f.fieldKind === 'list' && !Array.isArray(value))
        out.push({ field: at, description: 'expected a JSON array' });
      else if (f.fieldKind === 'map' && !isObject(value))
        out.push({ field: at, description: 'expected a JSON object' });
      continue;
    }
    if (f.fieldKind === 'message') {
      if (!isObject(value)) out.push({ field: at, description: `expected a ${message.name} object` });
      else out.push(...shapeViolations(message, value, at, depth + 1));
    } else if (f.fieldKind === 'list') {
      if (!Array.isArray(value)) out.push({ field: at, description: 'expected a JSON array' });
      else
        value.forEach((item, i) => {
          if (!isObject(item))
            out.push({ field: `${at}[${i}]`, description: `expected a ${message.name} object` });
          else out.push(...shapeViolations(message, item, `${at}[${i}]`, depth + 1));
        });
    } else if (!isObject(value)) out.push({ field: at, description: 'expected a JSON object' });
    else
      for (const [k, v] of Object.entries(value)) {
        const entry = `${at}.${k.slice(0, 100)}`;
        if (!isObject(v)) out.push({ field: entry, description: `expected a ${message.name} object` });
        else out.push(...shapeViolations(message, v, entry, depth + 1));
      }
    if (out.length >= 100) break;
  }
  return out;
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
