/**
 * kubeadm's CA pin (`--discovery-token-ca-cert-hash sha256:<hex>`): the SHA-256 of the CA
 * certificate's DER-encoded SubjectPublicKeyInfo, so a joining node can trust a CA it fetched
 * over an unverified connection. The same value `openssl x509 -pubkey | openssl rsa -pubin
 * -outform der | sha256sum` prints.
 * https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-join/#token-based-discovery-with-ca-pinning
 */
import { createHash, X509Certificate } from 'node:crypto';

const PIN = /^sha256:([0-9a-f]{64})$/;

/** `sha256:<hex>` of the certificate's public key. */
export function caCertHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** The pin as given on a command line, lower-cased; throws with the expected form otherwise. */
export function parseCaCertHash(text: string): string {
  const pin = text.trim().toLowerCase();
  if (!PIN.test(pin)) throw new Error(`--ca-cert-hash "${text}" must be sha256:<64 hex digits> (the SHA-256 of the CA's SubjectPublicKeyInfo)`);
  return pin;
}
