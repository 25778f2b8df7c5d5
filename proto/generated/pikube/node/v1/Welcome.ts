// Original file: proto/node.proto


export interface Welcome {
  'node_json'?: (Buffer | Uint8Array | string);
  'heartbeat_interval_ms'?: (number);
  'service_cidr'?: (string);
  'fencing_period_ms'?: (number);
  'servers'?: (string)[];
}

export interface Welcome__Output {
  'node_json': (Buffer);
  'heartbeat_interval_ms': (number);
  'service_cidr': (string);
  'fencing_period_ms': (number);
  'servers': (string)[];
}
