// Original file: proto/node.proto


export interface PodSync {
  'full'?: (boolean);
  'pods_json'?: (Buffer | Uint8Array | string)[];
  'removed_uids'?: (string)[];
}

export interface PodSync__Output {
  'full': (boolean);
  'pods_json': (Buffer)[];
  'removed_uids': (string)[];
}
