// Original file: proto/node.proto

import type { NodeFigures as _pikube_node_v1_NodeFigures, NodeFigures__Output as _pikube_node_v1_NodeFigures__Output } from '../../../pikube/node/v1/NodeFigures';

export interface NodeFiguresResponse {
  'nodes'?: (_pikube_node_v1_NodeFigures)[];
}

export interface NodeFiguresResponse__Output {
  'nodes': (_pikube_node_v1_NodeFigures__Output)[];
}
