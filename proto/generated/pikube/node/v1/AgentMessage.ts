// Original file: proto/node.proto

import type { Hello as _pikube_node_v1_Hello, Hello__Output as _pikube_node_v1_Hello__Output } from '../../../pikube/node/v1/Hello';
import type { Heartbeat as _pikube_node_v1_Heartbeat, Heartbeat__Output as _pikube_node_v1_Heartbeat__Output } from '../../../pikube/node/v1/Heartbeat';
import type { PodStatusReport as _pikube_node_v1_PodStatusReport, PodStatusReport__Output as _pikube_node_v1_PodStatusReport__Output } from '../../../pikube/node/v1/PodStatusReport';
import type { PodTerminated as _pikube_node_v1_PodTerminated, PodTerminated__Output as _pikube_node_v1_PodTerminated__Output } from '../../../pikube/node/v1/PodTerminated';
import type { NodeStatusReport as _pikube_node_v1_NodeStatusReport, NodeStatusReport__Output as _pikube_node_v1_NodeStatusReport__Output } from '../../../pikube/node/v1/NodeStatusReport';
import type { PodEvent as _pikube_node_v1_PodEvent, PodEvent__Output as _pikube_node_v1_PodEvent__Output } from '../../../pikube/node/v1/PodEvent';
import type { UsageReport as _pikube_node_v1_UsageReport, UsageReport__Output as _pikube_node_v1_UsageReport__Output } from '../../../pikube/node/v1/UsageReport';

export interface AgentMessage {
  'hello'?: (_pikube_node_v1_Hello | null);
  'heartbeat'?: (_pikube_node_v1_Heartbeat | null);
  'pod_status'?: (_pikube_node_v1_PodStatusReport | null);
  'pod_terminated'?: (_pikube_node_v1_PodTerminated | null);
  'node_status'?: (_pikube_node_v1_NodeStatusReport | null);
  'pod_event'?: (_pikube_node_v1_PodEvent | null);
  'usage'?: (_pikube_node_v1_UsageReport | null);
  'msg'?: "hello"|"heartbeat"|"pod_status"|"pod_terminated"|"node_status"|"pod_event"|"usage";
}

export interface AgentMessage__Output {
  'hello'?: (_pikube_node_v1_Hello__Output | null);
  'heartbeat'?: (_pikube_node_v1_Heartbeat__Output | null);
  'pod_status'?: (_pikube_node_v1_PodStatusReport__Output | null);
  'pod_terminated'?: (_pikube_node_v1_PodTerminated__Output | null);
  'node_status'?: (_pikube_node_v1_NodeStatusReport__Output | null);
  'pod_event'?: (_pikube_node_v1_PodEvent__Output | null);
  'usage'?: (_pikube_node_v1_UsageReport__Output | null);
  'msg'?: "hello"|"heartbeat"|"pod_status"|"pod_terminated"|"node_status"|"pod_event"|"usage";
}
