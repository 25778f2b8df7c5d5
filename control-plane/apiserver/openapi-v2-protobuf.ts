/**
 * The Swagger document as the protobuf message `openapi.v2.Document` of google/gnostic
 * (openapiv2/OpenAPIv2.proto), which kubectl asks for with
 * `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`. Field numbers are that
 * file's; vendor extensions are `NamedAny` whose `Any.yaml` holds the value (JSON is YAML), as
 * gnostic writes them and kubectl reads them (`yaml.Unmarshal` of `GetYaml()`).
 */
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerPathItem } from './openapi-v2';
import { boolField, messageField, repeatedMessageField, repeatedStringField, stringField } from './protobuf/proto-writer';

/** PathItem's operation field numbers. */
const METHOD_FIELDS = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

export function encodeSwaggerProtobuf(doc: SwaggerDocument): Buffer {
  const info = Buffer.concat([stringField(1, doc.info.title), stringField(2, doc.info.version)]);
  const paths = repeatedMessageField(2, Object.entries(doc.paths).map(([name, item]) => named(name, pathItem(item))));
  return Buffer.concat([stringField(1, doc.swagger), messageField(2, info), messageField(8, paths), messageField(9, Buffer.alloc(0))]);
}

/** The Named* messages: `string name = 1; <Value> value = 2`. */
function named(name: string, value: Buffer): Buffer {
  return Buffer.concat([stringField(1, name), messageField(2, value)]);
}

function pathItem(item: SwaggerPathItem): Buffer {
  const fields: Buffer[] = [];
  for (const [method, number] of Object.entries(METHOD_FIELDS) as [keyof typeof METHOD_FIELDS, number][]) {
    const op = item[method];
    if (op) fields.push(messageField(number, operation(op)));
  }
  fields.push(repeatedMessageField(9, (item.parameters ?? []).map(parametersItem)));
  return Buffer.concat(fields);
}

function operation(op: SwaggerOperation): Buffer {
  const responses = repeatedMessageField(1, Object.entries(op.responses).map(([code, r]) => named(code, messageField(1, stringField(1, r.description)))));
  const extensions = Object.entries(op).filter(([key]) => key.startsWith('x-')).map(([key, value]) => named(key, stringField(2, JSON.stringify(value))));
  return Buffer.concat([
    repeatedStringField(1, op.tags),
    stringField(3, op.description),
    stringField(5, op.operationId),
    repeatedStringField(6, op.produces),
    repeatedStringField(7, op.consumes),
    repeatedMessageField(8, (op.parameters ?? []).map(parametersItem)),
    messageField(9, responses),
    repeatedMessageField(13, extensions),
  ]);
}

/**
 * ParametersItem{parameter = 1} → Parameter{non_body_parameter = 2} → NonBodyParameter with
 * query_parameter_sub_schema = 3 or path_parameter_sub_schema = 4 (their `type` and
 * `unique_items` numbers differ: 6/20 for query, 5/19 for path).
 */
function parametersItem(p: SwaggerParameter): Buffer {
  const query = p.in === 'query';
  const sub = Buffer.concat([
    boolField(1, p.required),
    stringField(2, p.in),
    stringField(3, p.description),
    stringField(4, p.name),
    stringField(query ? 6 : 5, p.type),
    boolField(query ? 20 : 19, p.uniqueItems),
  ]);
  return messageField(1, messageField(2, messageField(query ? 3 : 4, sub)));
}
