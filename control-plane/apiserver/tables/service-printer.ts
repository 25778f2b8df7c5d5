/**
 * `kubectl get services` columns (printService): CLUSTER-IP, EXTERNAL-IP by type
 * (LoadBalancer ingress addresses, <pending>, or the external name), PORT(S) as
 * port[:nodePort]/protocol.
 */
import type { KubeObject } from '../../../api/meta';
import { DESCRIPTIONS } from './column-descriptions';
import { ageColumn, ageOf, arrayField, column, field, mapField, nameColumn, nameOf, numberField, stringField } from './columns';
import { formatLabels } from './label-format';
import type { Printer, TableCell } from './table';

export const servicePrinter: Printer = {
  columns: [
    nameColumn(),
    column('Type', 'string', DESCRIPTIONS.serviceType),
    column('Cluster-IP', 'string', DESCRIPTIONS.serviceClusterIP),
    column('External-IP', 'string', DESCRIPTIONS.serviceExternalIPs),
    column('Port(s)', 'string', DESCRIPTIONS.servicePorts),
    ageColumn(),
    column('Selector', 'string', DESCRIPTIONS.serviceSelector, 1),
  ],
  cells: serviceCells,
};

function serviceCells(obj: KubeObject, now: Date): TableCell[] {
  const spec = field(obj, 'spec');
  const clusterIPs = arrayField(spec, 'clusterIPs');
  return [
    nameOf(obj), stringField(spec, 'type'), typeof clusterIPs[0] === 'string' ? clusterIPs[0] : '<none>', externalIP(obj),
    portString(arrayField(spec, 'ports')) || '<none>', ageOf(obj, now), formatLabels(mapField(spec, 'selector')),
  ];
}

function externalIP(obj: KubeObject): string {
  const externalIPs = arrayField(obj, 'spec', 'externalIPs').map(String);
  switch (stringField(obj, 'spec', 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer':
      return loadBalancerIP(obj, externalIPs);
    case 'ExternalName':
      return stringField(obj, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

function loadBalancerIP(obj: KubeObject, externalIPs: string[]): string {
  const ingress = arrayField(obj, 'status', 'loadBalancer', 'ingress').map((i) => stringField(i, 'ip') || stringField(i, 'hostname')).filter(Boolean);
  const addresses = [...new Set(ingress)].sort();
  if (externalIPs.length > 0) return [...addresses, ...externalIPs].join(',');
  return addresses.length > 0 ? addresses.join(',') : '<pending>';
}

function portString(ports: unknown[]): string {
  return ports.map((p) => {
    const protocol = stringField(p, 'protocol') || 'TCP';
    const nodePort = numberField(p, 'nodePort');
    return nodePort > 0 ? `${numberField(p, 'port')}:${nodePort}/${protocol}` : `${numberField(p, 'port')}/${protocol}`;
  }).join(',');
}
