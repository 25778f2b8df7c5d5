// Original file: proto/node.proto


export interface ObjectSync {
  'resource'?: (string);
  'full'?: (boolean);
  'objects_json'?: (Buffer | Uint8Array | string)[];
  'removed'?: (string)[];
}

export interface ObjectSync__Output {
  'resource': (string);
  'full': (boolean);
  'objects_json': (Buffer)[];
  'removed': (string)[];
}
