// Original file: proto/node.proto


export interface PodTerminated {
  'namespace'?: (string);
  'name'?: (string);
  'uid'?: (string);
}

export interface PodTerminated__Output {
  'namespace': (string);
  'name': (string);
  'uid': (string);
}
