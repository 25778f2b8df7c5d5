// Original file: proto/node.proto


export interface NodeStatusReport {
  'status_json'?: (Buffer | Uint8Array | string);
}

export interface NodeStatusReport__Output {
  'status_json': (Buffer);
}
