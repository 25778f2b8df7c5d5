// Original file: proto/node.proto

import type { PeerNode as _pikube_node_v1_PeerNode, PeerNode__Output as _pikube_node_v1_PeerNode__Output } from '../../../pikube/node/v1/PeerNode';

export interface PeerNodes {
  'nodes'?: (_pikube_node_v1_PeerNode)[];
}

export interface PeerNodes__Output {
  'nodes': (_pikube_node_v1_PeerNode__Output)[];
}
