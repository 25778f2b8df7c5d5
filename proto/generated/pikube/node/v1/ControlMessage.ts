// Original file: proto/node.proto

import type { Welcome as _pikube_node_v1_Welcome, Welcome__Output as _pikube_node_v1_Welcome__Output } from '../../../pikube/node/v1/Welcome';
import type { PodSync as _pikube_node_v1_PodSync, PodSync__Output as _pikube_node_v1_PodSync__Output } from '../../../pikube/node/v1/PodSync';
import type { StreamRequest as _pikube_node_v1_StreamRequest, StreamRequest__Output as _pikube_node_v1_StreamRequest__Output } from '../../../pikube/node/v1/StreamRequest';
import type { PeerNodes as _pikube_node_v1_PeerNodes, PeerNodes__Output as _pikube_node_v1_PeerNodes__Output } from '../../../pikube/node/v1/PeerNodes';
import type { ServiceSync as _pikube_node_v1_ServiceSync, ServiceSync__Output as _pikube_node_v1_ServiceSync__Output } from '../../../pikube/node/v1/ServiceSync';

export interface ControlMessage {
  'welcome'?: (_pikube_node_v1_Welcome | null);
  'pod_sync'?: (_pikube_node_v1_PodSync | null);
  'stream_request'?: (_pikube_node_v1_StreamRequest | null);
  'peers'?: (_pikube_node_v1_PeerNodes | null);
  'services'?: (_pikube_node_v1_ServiceSync | null);
  'msg'?: "welcome"|"pod_sync"|"stream_request"|"peers"|"services";
}

export interface ControlMessage__Output {
  'welcome'?: (_pikube_node_v1_Welcome__Output | null);
  'pod_sync'?: (_pikube_node_v1_PodSync__Output | null);
  'stream_request'?: (_pikube_node_v1_StreamRequest__Output | null);
  'peers'?: (_pikube_node_v1_PeerNodes__Output | null);
  'services'?: (_pikube_node_v1_ServiceSync__Output | null);
  'msg'?: "welcome"|"pod_sync"|"stream_request"|"peers"|"services";
}
