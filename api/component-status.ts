/** core/v1 ComponentStatus: the health of a control-plane component, as `kubectl get cs` shows it (deprecated since v1.19, still served). */
import type { KubeObject } from './meta';

export interface ComponentCondition {
  /** Only `Healthy` exists. */
  type: 'Healthy';
  status: 'True' | 'False' | 'Unknown';
  message?: string;
  error?: string;
}

export interface ComponentStatus extends KubeObject {
  conditions?: ComponentCondition[];
}
