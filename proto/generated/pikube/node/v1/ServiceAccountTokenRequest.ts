// Original file: proto/node.proto

import type { PodRef as _pikube_node_v1_PodRef, PodRef__Output as _pikube_node_v1_PodRef__Output } from '../../../pikube/node/v1/PodRef';
import type { Long } from '@grpc/proto-loader';

export interface ServiceAccountTokenRequest {
  'pod'?: (_pikube_node_v1_PodRef | null);
  'service_account_name'?: (string);
  'audience'?: (string);
  'expiration_seconds'?: (number | string | Long);
}

export interface ServiceAccountTokenRequest__Output {
  'pod': (_pikube_node_v1_PodRef__Output | null);
  'service_account_name': (string);
  'audience': (string);
  'expiration_seconds': (number);
}
