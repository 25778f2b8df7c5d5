// Original file: proto/node.proto


export interface NodeFiguresRequest {
}

export interface NodeFiguresRequest__Output {
}
