// Original file: proto/node.proto

import type { Welcome as _pikube_node_v1_Welcome, Welcome__Output as _pikube_node_v1_Welcome__Output } from '../../../pikube/node/v1/Welcome';
import type { StreamRequest as _pikube_node_v1_StreamRequest, StreamRequest__Output as _pikube_node_v1_StreamRequest__Output } from '../../../pikube/node/v1/StreamRequest';
import type { ObjectBatch as _pikube_node_v1_ObjectBatch, ObjectBatch__Output as _pikube_node_v1_ObjectBatch__Output } from '../../../pikube/node/v1/ObjectBatch';
import type { HeartbeatAck as _pikube_node_v1_HeartbeatAck, HeartbeatAck__Output as _pikube_node_v1_HeartbeatAck__Output } from '../../../pikube/node/v1/HeartbeatAck';

export interface ControlMessage {
  'welcome'?: (_pikube_node_v1_Welcome | null);
  'stream_request'?: (_pikube_node_v1_StreamRequest | null);
  'objects'?: (_pikube_node_v1_ObjectBatch | null);
  'heartbeat_ack'?: (_pikube_node_v1_HeartbeatAck | null);
  'msg'?: "welcome"|"stream_request"|"objects"|"heartbeat_ack";
}

export interface ControlMessage__Output {
  'welcome'?: (_pikube_node_v1_Welcome__Output | null);
  'stream_request'?: (_pikube_node_v1_StreamRequest__Output | null);
  'objects'?: (_pikube_node_v1_ObjectBatch__Output | null);
  'heartbeat_ack'?: (_pikube_node_v1_HeartbeatAck__Output | null);
  'msg'?: "welcome"|"stream_request"|"objects"|"heartbeat_ack";
}
