// Original file: proto/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { NodeFiguresRequest as _pikube_node_v1_NodeFiguresRequest, NodeFiguresRequest__Output as _pikube_node_v1_NodeFiguresRequest__Output } from '../../../pikube/node/v1/NodeFiguresRequest';
import type { NodeFiguresResponse as _pikube_node_v1_NodeFiguresResponse, NodeFiguresResponse__Output as _pikube_node_v1_NodeFiguresResponse__Output } from '../../../pikube/node/v1/NodeFiguresResponse';
import type { RelayFrame as _pikube_node_v1_RelayFrame, RelayFrame__Output as _pikube_node_v1_RelayFrame__Output } from '../../../pikube/node/v1/RelayFrame';
import type { StreamFrame as _pikube_node_v1_StreamFrame, StreamFrame__Output as _pikube_node_v1_StreamFrame__Output } from '../../../pikube/node/v1/StreamFrame';

export interface ReplicaServiceClient extends grpc.Client {
  NodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  NodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  NodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  NodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  nodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  nodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  nodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  nodeFigures(argument: _pikube_node_v1_NodeFiguresRequest, callback: grpc.requestCallback<_pikube_node_v1_NodeFiguresResponse__Output>): grpc.ClientUnaryCall;
  
  RelayStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_RelayFrame, _pikube_node_v1_StreamFrame__Output>;
  RelayStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_RelayFrame, _pikube_node_v1_StreamFrame__Output>;
  relayStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_RelayFrame, _pikube_node_v1_StreamFrame__Output>;
  relayStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_RelayFrame, _pikube_node_v1_StreamFrame__Output>;
  
}

export interface ReplicaServiceHandlers extends grpc.UntypedServiceImplementation {
  NodeFigures: grpc.handleUnaryCall<_pikube_node_v1_NodeFiguresRequest__Output, _pikube_node_v1_NodeFiguresResponse>;
  
  RelayStream: grpc.handleBidiStreamingCall<_pikube_node_v1_RelayFrame__Output, _pikube_node_v1_StreamFrame>;
  
}

export interface ReplicaServiceDefinition extends grpc.ServiceDefinition {
  NodeFigures: MethodDefinition<_pikube_node_v1_NodeFiguresRequest, _pikube_node_v1_NodeFiguresResponse, _pikube_node_v1_NodeFiguresRequest__Output, _pikube_node_v1_NodeFiguresResponse__Output>
  RelayStream: MethodDefinition<_pikube_node_v1_RelayFrame, _pikube_node_v1_StreamFrame, _pikube_node_v1_RelayFrame__Output, _pikube_node_v1_StreamFrame__Output>
}
