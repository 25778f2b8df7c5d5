/**
 * authentication.k8s.io/v1 TokenRequest (the body and answer of `POST
 * …/serviceaccounts/{name}/token`) and TokenReview (field names as Kubernetes' types.go).
 * Never stored.
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

/** authentication.k8s.io/v1 UserInfo, as a TokenReview answers it. */
export interface AuthenticatedUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface TokenReviewSpec {
  token?: string;
  audiences?: string[];
}

export interface TokenReviewStatus {
  authenticated?: boolean;
  user?: AuthenticatedUserInfo;
  audiences?: string[];
  error?: string;
}

/** authentication.k8s.io/v1 TokenReview: who is this bearer token? Never stored. */
export interface TokenReview extends KubeObject {
  apiVersion?: 'authentication.k8s.io/v1';
  kind?: 'TokenReview';
  metadata: ObjectMeta;
  spec: TokenReviewSpec;
  status?: TokenReviewStatus;
}
