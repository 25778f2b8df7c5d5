// Original file: proto/node.proto


export interface PodEvent {
  'namespace'?: (string);
  'pod_name'?: (string);
  'pod_uid'?: (string);
  'field_path'?: (string);
  'type'?: (string);
  'reason'?: (string);
  'message'?: (string);
}

export interface PodEvent__Output {
  'namespace': (string);
  'pod_name': (string);
  'pod_uid': (string);
  'field_path': (string);
  'type': (string);
  'reason': (string);
  'message': (string);
}
