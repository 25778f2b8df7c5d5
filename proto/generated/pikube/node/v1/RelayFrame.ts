// Original file: proto/node.proto

import type { RelayOpen as _pikube_node_v1_RelayOpen, RelayOpen__Output as _pikube_node_v1_RelayOpen__Output } from '../../../pikube/node/v1/RelayOpen';
import type { TerminalSize as _pikube_node_v1_TerminalSize, TerminalSize__Output as _pikube_node_v1_TerminalSize__Output } from '../../../pikube/node/v1/TerminalSize';

export interface RelayFrame {
  'open'?: (_pikube_node_v1_RelayOpen | null);
  'stdin'?: (Buffer | Uint8Array | string);
  'resize'?: (_pikube_node_v1_TerminalSize | null);
  'stdin_closed'?: (boolean);
  'frame'?: "open"|"stdin"|"resize"|"stdin_closed";
}

export interface RelayFrame__Output {
  'open'?: (_pikube_node_v1_RelayOpen__Output | null);
  'stdin'?: (Buffer);
  'resize'?: (_pikube_node_v1_TerminalSize__Output | null);
  'stdin_closed'?: (boolean);
  'frame'?: "open"|"stdin"|"resize"|"stdin_closed";
}
