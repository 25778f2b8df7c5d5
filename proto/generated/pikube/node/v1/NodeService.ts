// Original file: proto/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _pikube_node_v1_AgentMessage, AgentMessage__Output as _pikube_node_v1_AgentMessage__Output } from '../../../pikube/node/v1/AgentMessage';
import type { ControlMessage as _pikube_node_v1_ControlMessage, ControlMessage__Output as _pikube_node_v1_ControlMessage__Output } from '../../../pikube/node/v1/ControlMessage';
import type { ServiceAccountTokenRequest as _pikube_node_v1_ServiceAccountTokenRequest, ServiceAccountTokenRequest__Output as _pikube_node_v1_ServiceAccountTokenRequest__Output } from '../../../pikube/node/v1/ServiceAccountTokenRequest';
import type { ServiceAccountTokenResponse as _pikube_node_v1_ServiceAccountTokenResponse, ServiceAccountTokenResponse__Output as _pikube_node_v1_ServiceAccountTokenResponse__Output } from '../../../pikube/node/v1/ServiceAccountTokenResponse';
import type { StreamFrame as _pikube_node_v1_StreamFrame, StreamFrame__Output as _pikube_node_v1_StreamFrame__Output } from '../../../pikube/node/v1/StreamFrame';

export interface NodeServiceClient extends grpc.Client {
  ServiceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  ServiceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  ServiceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  ServiceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  serviceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  serviceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  serviceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  serviceAccountToken(argument: _pikube_node_v1_ServiceAccountTokenRequest, callback: grpc.requestCallback<_pikube_node_v1_ServiceAccountTokenResponse__Output>): grpc.ClientUnaryCall;
  
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_AgentMessage, _pikube_node_v1_ControlMessage__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_AgentMessage, _pikube_node_v1_ControlMessage__Output>;
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_AgentMessage, _pikube_node_v1_ControlMessage__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_AgentMessage, _pikube_node_v1_ControlMessage__Output>;
  
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame__Output>;
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame__Output>;
  
}

export interface NodeServiceHandlers extends grpc.UntypedServiceImplementation {
  ServiceAccountToken: grpc.handleUnaryCall<_pikube_node_v1_ServiceAccountTokenRequest__Output, _pikube_node_v1_ServiceAccountTokenResponse>;
  
  Session: grpc.handleBidiStreamingCall<_pikube_node_v1_AgentMessage__Output, _pikube_node_v1_ControlMessage>;
  
  Stream: grpc.handleBidiStreamingCall<_pikube_node_v1_StreamFrame__Output, _pikube_node_v1_StreamFrame>;
  
}

export interface NodeServiceDefinition extends grpc.ServiceDefinition {
  ServiceAccountToken: MethodDefinition<_pikube_node_v1_ServiceAccountTokenRequest, _pikube_node_v1_ServiceAccountTokenResponse, _pikube_node_v1_ServiceAccountTokenRequest__Output, _pikube_node_v1_ServiceAccountTokenResponse__Output>
  Session: MethodDefinition<_pikube_node_v1_AgentMessage, _pikube_node_v1_ControlMessage, _pikube_node_v1_AgentMessage__Output, _pikube_node_v1_ControlMessage__Output>
  Stream: MethodDefinition<_pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame__Output, _pikube_node_v1_StreamFrame__Output>
}
