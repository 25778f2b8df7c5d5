// Original file: proto/node.proto


export interface Hello {
  'node_name'?: (string);
  'node_json'?: (Buffer | Uint8Array | string);
  'running_pod_uids'?: (string)[];
}

export interface Hello__Output {
  'node_name': (string);
  'node_json': (Buffer);
  'running_pod_uids': (string)[];
}
