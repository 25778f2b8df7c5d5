// Original file: proto/node.proto


export interface ServiceSync {
  'full'?: (boolean);
  'services_json'?: (Buffer | Uint8Array | string)[];
  'endpoint_slices_json'?: (Buffer | Uint8Array | string)[];
  'removed_services'?: (string)[];
  'removed_endpoint_slices'?: (string)[];
}

export interface ServiceSync__Output {
  'full': (boolean);
  'services_json': (Buffer)[];
  'endpoint_slices_json': (Buffer)[];
  'removed_services': (string)[];
  'removed_endpoint_slices': (string)[];
}
