/**
 * The resources the object feed carries (ObjectSync.resource in node.proto): plural API
 * resource names, shared by the control plane's node view (control-plane/nodes/node-view.ts)
 * and the agent's dispatcher (agent/feed/feed-kinds.ts), which must agree on them.
 */
export const FEED_RESOURCES = {
  pods: 'pods',
  services: 'services',
  endpointSlices: 'endpointslices',
  nodes: 'nodes',
  configMaps: 'configmaps',
  secrets: 'secrets',
  persistentVolumeClaims: 'persistentvolumeclaims',
  persistentVolumes: 'persistentvolumes',
} as const;

export type FeedResource = (typeof FEED_RESOURCES)[keyof typeof FEED_RESOURCES];
