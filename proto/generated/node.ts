import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentMessage as _pikube_node_v1_AgentMessage, AgentMessage__Output as _pikube_node_v1_AgentMessage__Output } from './pikube/node/v1/AgentMessage';
import type { ContainerUsage as _pikube_node_v1_ContainerUsage, ContainerUsage__Output as _pikube_node_v1_ContainerUsage__Output } from './pikube/node/v1/ContainerUsage';
import type { ControlMessage as _pikube_node_v1_ControlMessage, ControlMessage__Output as _pikube_node_v1_ControlMessage__Output } from './pikube/node/v1/ControlMessage';
import type { ExecRequest as _pikube_node_v1_ExecRequest, ExecRequest__Output as _pikube_node_v1_ExecRequest__Output } from './pikube/node/v1/ExecRequest';
import type { Heartbeat as _pikube_node_v1_Heartbeat, Heartbeat__Output as _pikube_node_v1_Heartbeat__Output } from './pikube/node/v1/Heartbeat';
import type { HeartbeatAck as _pikube_node_v1_HeartbeatAck, HeartbeatAck__Output as _pikube_node_v1_HeartbeatAck__Output } from './pikube/node/v1/HeartbeatAck';
import type { Hello as _pikube_node_v1_Hello, Hello__Output as _pikube_node_v1_Hello__Output } from './pikube/node/v1/Hello';
import type { LogRequest as _pikube_node_v1_LogRequest, LogRequest__Output as _pikube_node_v1_LogRequest__Output } from './pikube/node/v1/LogRequest';
import type { NodeFigures as _pikube_node_v1_NodeFigures, NodeFigures__Output as _pikube_node_v1_NodeFigures__Output } from './pikube/node/v1/NodeFigures';
import type { NodeFiguresRequest as _pikube_node_v1_NodeFiguresRequest, NodeFiguresRequest__Output as _pikube_node_v1_NodeFiguresRequest__Output } from './pikube/node/v1/NodeFiguresRequest';
import type { NodeFiguresResponse as _pikube_node_v1_NodeFiguresResponse, NodeFiguresResponse__Output as _pikube_node_v1_NodeFiguresResponse__Output } from './pikube/node/v1/NodeFiguresResponse';
import type { NodeServiceClient as _pikube_node_v1_NodeServiceClient, NodeServiceDefinition as _pikube_node_v1_NodeServiceDefinition } from './pikube/node/v1/NodeService';
import type { NodeStatusReport as _pikube_node_v1_NodeStatusReport, NodeStatusReport__Output as _pikube_node_v1_NodeStatusReport__Output } from './pikube/node/v1/NodeStatusReport';
import type { ObjectBatch as _pikube_node_v1_ObjectBatch, ObjectBatch__Output as _pikube_node_v1_ObjectBatch__Output } from './pikube/node/v1/ObjectBatch';
import type { ObjectSync as _pikube_node_v1_ObjectSync, ObjectSync__Output as _pikube_node_v1_ObjectSync__Output } from './pikube/node/v1/ObjectSync';
import type { PodEvent as _pikube_node_v1_PodEvent, PodEvent__Output as _pikube_node_v1_PodEvent__Output } from './pikube/node/v1/PodEvent';
import type { PodRef as _pikube_node_v1_PodRef, PodRef__Output as _pikube_node_v1_PodRef__Output } from './pikube/node/v1/PodRef';
import type { PodStatusReport as _pikube_node_v1_PodStatusReport, PodStatusReport__Output as _pikube_node_v1_PodStatusReport__Output } from './pikube/node/v1/PodStatusReport';
import type { PodTerminated as _pikube_node_v1_PodTerminated, PodTerminated__Output as _pikube_node_v1_PodTerminated__Output } from './pikube/node/v1/PodTerminated';
import type { PodUsage as _pikube_node_v1_PodUsage, PodUsage__Output as _pikube_node_v1_PodUsage__Output } from './pikube/node/v1/PodUsage';
import type { PortForwardRequest as _pikube_node_v1_PortForwardRequest, PortForwardRequest__Output as _pikube_node_v1_PortForwardRequest__Output } from './pikube/node/v1/PortForwardRequest';
import type { RelayFrame as _pikube_node_v1_RelayFrame, RelayFrame__Output as _pikube_node_v1_RelayFrame__Output } from './pikube/node/v1/RelayFrame';
import type { RelayOpen as _pikube_node_v1_RelayOpen, RelayOpen__Output as _pikube_node_v1_RelayOpen__Output } from './pikube/node/v1/RelayOpen';
import type { ReplicaServiceClient as _pikube_node_v1_ReplicaServiceClient, ReplicaServiceDefinition as _pikube_node_v1_ReplicaServiceDefinition } from './pikube/node/v1/ReplicaService';
import type { ResourceUsage as _pikube_node_v1_ResourceUsage, ResourceUsage__Output as _pikube_node_v1_ResourceUsage__Output } from './pikube/node/v1/ResourceUsage';
import type { ServiceAccountTokenRequest as _pikube_node_v1_ServiceAccountTokenRequest, ServiceAccountTokenRequest__Output as _pikube_node_v1_ServiceAccountTokenRequest__Output } from './pikube/node/v1/ServiceAccountTokenRequest';
import type { ServiceAccountTokenResponse as _pikube_node_v1_ServiceAccountTokenResponse, ServiceAccountTokenResponse__Output as _pikube_node_v1_ServiceAccountTokenResponse__Output } from './pikube/node/v1/ServiceAccountTokenResponse';
import type { StreamEnd as _pikube_node_v1_StreamEnd, StreamEnd__Output as _pikube_node_v1_StreamEnd__Output } from './pikube/node/v1/StreamEnd';
import type { StreamFrame as _pikube_node_v1_StreamFrame, StreamFrame__Output as _pikube_node_v1_StreamFrame__Output } from './pikube/node/v1/StreamFrame';
import type { StreamRequest as _pikube_node_v1_StreamRequest, StreamRequest__Output as _pikube_node_v1_StreamRequest__Output } from './pikube/node/v1/StreamRequest';
import type { TerminalSize as _pikube_node_v1_TerminalSize, TerminalSize__Output as _pikube_node_v1_TerminalSize__Output } from './pikube/node/v1/TerminalSize';
import type { UsageReport as _pikube_node_v1_UsageReport, UsageReport__Output as _pikube_node_v1_UsageReport__Output } from './pikube/node/v1/UsageReport';
import type { Welcome as _pikube_node_v1_Welcome, Welcome__Output as _pikube_node_v1_Welcome__Output } from './pikube/node/v1/Welcome';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  pikube: {
    node: {
      v1: {
        AgentMessage: MessageTypeDefinition<_pikube_node_v1_AgentMessage, _pikube_node_v1_AgentMessage__Output>
        ContainerUsage: MessageTypeDefinition<_pikube_node_v1_ContainerUsage, _pikube_node_v1_ContainerUsage__Output>
        ControlMessage: MessageTypeDefinition<_pikube_node_v1_ControlMessage, _pikube_node_v1_ControlMessage__Output>
        ExecRequest: MessageTypeDefinition<_pikube_node_v1_ExecRequest, _pikube_node_v1_ExecRequest__Output>
        Heartbeat: MessageTypeDefinition<_pikube_node_v1_Heartbeat, _pikube_node_v1_Heartbeat__Output>
        HeartbeatAck: MessageTypeDefinition<_pikube_node_v1_HeartbeatAck, _pikube_node_v1_HeartbeatAck__Output>
        Hello: MessageTypeDefinition<_pikube_node_v1_Hello, _pikube_node_v1_Hello__Output>
        LogRequest: MessageTypeDefinition<_pikube_node_v1_LogRequest, _pikube_node_v1_LogRequest__Output>
        NodeFigures: MessageTypeDefinition<_pikube_node_v1_NodeFigures, _pikube_node_v1_NodeFigures__Output>
        NodeFiguresRequest: MessageTypeDefinition<_pikube_node_v1_NodeFiguresRequest, _pikube_node_v1_NodeFiguresRequest__Output>
        NodeFiguresResponse: MessageTypeDefinition<_pikube_node_v1_NodeFiguresResponse, _pikube_node_v1_NodeFiguresResponse__Output>
        NodeService: SubtypeConstructor<typeof grpc.Client, _pikube_node_v1_NodeServiceClient> & { service: _pikube_node_v1_NodeServiceDefinition }
        NodeStatusReport: MessageTypeDefinition<_pikube_node_v1_NodeStatusReport, _pikube_node_v1_NodeStatusReport__Output>
        ObjectBatch: MessageTypeDefinition<_pikube_node_v1_ObjectBatch, _pikube_node_v1_ObjectBatch__Output>
        ObjectSync: MessageTypeDefinition<_pikube_node_v1_ObjectSync, _pikube_node_v1_ObjectSync__Output>
        PodEvent: MessageTypeDefinition<_pikube_node_v1_PodEvent, _pikube_node_v1_PodEvent__Output>
        PodRef: MessageTypeDefinition<_pikube_node_v1_PodRef, _pikube_node_v1_PodRef__Output>
        PodStatusReport: MessageTypeDefinition<_pikube_node_v1_PodStatusReport, _pikube_node_v1_PodStatusReport__Output>
        PodTerminated: MessageTypeDefinition<_pikube_node_v1_PodTerminated, _pikube_node_v1_PodTerminated__Output>
        PodUsage: MessageTypeDefinition<_pikube_node_v1_PodUsage, _pikube_node_v1_PodUsage__Output>
        PortForwardRequest: MessageTypeDefinition<_pikube_node_v1_PortForwardRequest, _pikube_node_v1_PortForwardRequest__Output>
        RelayFrame: MessageTypeDefinition<_pikube_node_v1_RelayFrame, _pikube_node_v1_RelayFrame__Output>
        RelayOpen: MessageTypeDefinition<_pikube_node_v1_RelayOpen, _pikube_node_v1_RelayOpen__Output>
        ReplicaService: SubtypeConstructor<typeof grpc.Client, _pikube_node_v1_ReplicaServiceClient> & { service: _pikube_node_v1_ReplicaServiceDefinition }
        ResourceUsage: MessageTypeDefinition<_pikube_node_v1_ResourceUsage, _pikube_node_v1_ResourceUsage__Output>
        ServiceAccountTokenRequest: MessageTypeDefinition<_pikube_node_v1_ServiceAccountTokenRequest, _pikube_node_v1_ServiceAccountTokenRequest__Output>
        ServiceAccountTokenResponse: MessageTypeDefinition<_pikube_node_v1_ServiceAccountTokenResponse, _pikube_node_v1_ServiceAccountTokenResponse__Output>
        StreamEnd: MessageTypeDefinition<_pikube_node_v1_StreamEnd, _pikube_node_v1_StreamEnd__Output>
        StreamFrame: MessageTypeDefinition<_pikube_node_v1_StreamFrame, _pikube_node_v1_StreamFrame__Output>
        StreamRequest: MessageTypeDefinition<_pikube_node_v1_StreamRequest, _pikube_node_v1_StreamRequest__Output>
        TerminalSize: MessageTypeDefinition<_pikube_node_v1_TerminalSize, _pikube_node_v1_TerminalSize__Output>
        UsageReport: MessageTypeDefinition<_pikube_node_v1_UsageReport, _pikube_node_v1_UsageReport__Output>
        Welcome: MessageTypeDefinition<_pikube_node_v1_Welcome, _pikube_node_v1_Welcome__Output>
      }
    }
  }
}

