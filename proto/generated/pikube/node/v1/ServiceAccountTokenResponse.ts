// Original file: proto/node.proto

import type { Long } from '@grpc/proto-loader';

export interface ServiceAccountTokenResponse {
  'token'?: (string);
  'expiration_unix_ms'?: (number | string | Long);
}

export interface ServiceAccountTokenResponse__Output {
  'token': (string);
  'expiration_unix_ms': (number);
}
