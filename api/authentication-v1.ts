/**
 * authentication.k8s.io/v1 TokenRequest: the body and answer of `POST
 * …/serviceaccounts/{name}/token` (field names as Kubernetes' types.go). Never stored.
 */
import type { KubeObject, ObjectMeta } from './meta';

/** What a token may be bound to: its lifetime ends with the object's. */
export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export interface TokenRequestSpec {
  audiences: string[];
  expirationSeconds?: number;
  boundObjectRef?: BoundObjectReference;
}

export interface TokenRequestStatus {
  token: string;
  expirationTimestamp: string;
}

export interface TokenRequest extends KubeObject {
  apiVersion?: 'authentication.k8s.io/v1';
  kind?: 'TokenRequest';
  metadata: ObjectMeta;
  spec: TokenRequestSpec;
  status?: TokenRequestStatus;
}
