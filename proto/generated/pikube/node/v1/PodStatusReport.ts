// Original file: proto/node.proto


export interface PodStatusReport {
  'namespace'?: (string);
  'name'?: (string);
  'uid'?: (string);
  'status_json'?: (Buffer | Uint8Array | string);
}

export interface PodStatusReport__Output {
  'namespace': (string);
  'name': (string);
  'uid': (string);
  'status_json': (Buffer);
}
