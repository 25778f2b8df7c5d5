// Original file: proto/node.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatAck {
  'sent_unix_ms'?: (number | string | Long);
}

export interface HeartbeatAck__Output {
  'sent_unix_ms': (number);
}
