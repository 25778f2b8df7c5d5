// Original file: proto/node.proto


export interface StreamEnd {
  'success'?: (boolean);
  'exit_code'?: (number);
  'reason'?: (string);
  'message'?: (string);
}

export interface StreamEnd__Output {
  'success': (boolean);
  'exit_code': (number);
  'reason': (string);
  'message': (string);
}
