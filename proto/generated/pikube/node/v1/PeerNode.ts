// Original file: proto/node.proto


export interface PeerNode {
  'name'?: (string);
  'pod_cidr'?: (string);
  'internal_ip'?: (string);
}

export interface PeerNode__Output {
  'name': (string);
  'pod_cidr': (string);
  'internal_ip': (string);
}
