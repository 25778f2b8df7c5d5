// Original file: proto/node.proto

import type { Long } from '@grpc/proto-loader';

export interface Heartbeat {
  'sent_unix_ms'?: (number | string | Long);
}

export interface Heartbeat__Output {
  'sent_unix_ms': (number);
}
