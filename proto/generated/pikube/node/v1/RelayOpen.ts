// Original file: proto/node.proto

import type { StreamRequest as _pikube_node_v1_StreamRequest, StreamRequest__Output as _pikube_node_v1_StreamRequest__Output } from '../../../pikube/node/v1/StreamRequest';

export interface RelayOpen {
  'node_name'?: (string);
  'request'?: (_pikube_node_v1_StreamRequest | null);
}

export interface RelayOpen__Output {
  'node_name': (string);
  'request': (_pikube_node_v1_StreamRequest__Output | null);
}
