// Original file: proto/node.proto

import type { PodRef as _pikube_node_v1_PodRef, PodRef__Output as _pikube_node_v1_PodRef__Output } from '../../../pikube/node/v1/PodRef';

export interface ExecRequest {
  'pod'?: (_pikube_node_v1_PodRef | null);
  'container'?: (string);
  'command'?: (string)[];
  'stdin'?: (boolean);
  'stdout'?: (boolean);
  'stderr'?: (boolean);
  'tty'?: (boolean);
}

export interface ExecRequest__Output {
  'pod': (_pikube_node_v1_PodRef__Output | null);
  'container': (string);
  'command': (string)[];
  'stdin': (boolean);
  'stdout': (boolean);
  'stderr': (boolean);
  'tty': (boolean);
}
