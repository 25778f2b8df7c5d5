// Original file: proto/node.proto

import type { Long } from '@grpc/proto-loader';

export interface ResourceUsage {
  'cpu_nano_cores'?: (number | string | Long);
  'memory_working_set_bytes'?: (number | string | Long);
  'window_ms'?: (number | string | Long);
}

export interface ResourceUsage__Output {
  'cpu_nano_cores': (number);
  'memory_working_set_bytes': (number);
  'window_ms': (number);
}
