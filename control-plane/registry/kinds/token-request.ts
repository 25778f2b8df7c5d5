/**
 * The authentication.k8s.io/v1 TokenRequest, the body and answer of `POST
 * …/serviceaccounts/{name}/token`: a kind decoded (JSON or protobuf) but never stored nor
 * served as a resource of its own, and the ServiceAccount's `token` subresource that answers
 * it (service-account-token-request.ts).
 */
import type { TokenRequest } from '../../../api/authentication-v1';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../default-strategy';
import { defineKind } from '../resource-definition';
import { requestToken } from '../service-account-token-request';
import type { CreateSubresource } from '../subresource';

export const TOKEN_REQUESTS = defineKind<TokenRequest>({
  group: 'authentication.k8s.io', version: 'v1', resource: 'tokenrequests', singularName: 'tokenrequest', kind: 'TokenRequest', listKind: 'TokenRequestList', namespaced: true,
  verbs: [],
  strategy: defaultStrategy<TokenRequest>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: false }),
});

export const serviceAccountToken: CreateSubresource<TokenRequest> = {
  type: 'create',
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenRequest',
  verbs: ['create'],
  body: TOKEN_REQUESTS,
  create: (registry, request) => requestToken(registry, request),
};
