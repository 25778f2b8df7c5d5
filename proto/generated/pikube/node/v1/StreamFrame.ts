// Original file: proto/node.proto

import type { TerminalSize as _pikube_node_v1_TerminalSize, TerminalSize__Output as _pikube_node_v1_TerminalSize__Output } from '../../../pikube/node/v1/TerminalSize';
import type { StreamEnd as _pikube_node_v1_StreamEnd, StreamEnd__Output as _pikube_node_v1_StreamEnd__Output } from '../../../pikube/node/v1/StreamEnd';

export interface StreamFrame {
  'stream_id'?: (string);
  'stdin'?: (Buffer | Uint8Array | string);
  'stdout'?: (Buffer | Uint8Array | string);
  'stderr'?: (Buffer | Uint8Array | string);
  'resize'?: (_pikube_node_v1_TerminalSize | null);
  'end'?: (_pikube_node_v1_StreamEnd | null);
  'stdin_closed'?: (boolean);
  'frame'?: "stdin"|"stdout"|"stderr"|"resize"|"end"|"stdin_closed";
}

export interface StreamFrame__Output {
  'stream_id': (string);
  'stdin'?: (Buffer);
  'stdout'?: (Buffer);
  'stderr'?: (Buffer);
  'resize'?: (_pikube_node_v1_TerminalSize__Output | null);
  'end'?: (_pikube_node_v1_StreamEnd__Output | null);
  'stdin_closed'?: (boolean);
  'frame'?: "stdin"|"stdout"|"stderr"|"resize"|"end"|"stdin_closed";
}
