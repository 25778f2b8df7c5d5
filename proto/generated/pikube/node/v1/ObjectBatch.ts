// Original file: proto/node.proto

import type { ObjectSync as _pikube_node_v1_ObjectSync, ObjectSync__Output as _pikube_node_v1_ObjectSync__Output } from '../../../pikube/node/v1/ObjectSync';

export interface ObjectBatch {
  'syncs'?: (_pikube_node_v1_ObjectSync)[];
}

export interface ObjectBatch__Output {
  'syncs': (_pikube_node_v1_ObjectSync__Output)[];
}
