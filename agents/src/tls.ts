import { createHash, X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/** How the agent trusts the centre over wss/https: a private CA, and optionally pinned keys. */
export interface CentreTls {
  /** PEM of the CA that signed the centre's certificate (else the system's CAs) */
  ca?: string;
  /**
   * pins of the centre's public keys, `sha256/<base64>` of the certificate's SubjectPublicKeyInfo (the HPKP form:
   * `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
   * base64`); when given, a certificate with another key is refused even if a trusted CA signed it
   */
  pins?: string[];
}

/** the pin of a certificate's public key */
export function pinOf(certDer: Buffer): string {
  const spki = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256/${createHash('sha256').update(spki).digest('base64')}`;
}

/** Options for a TLS client (ws, https.request): the CA, the host name check and, with pins, the key check. */
export function tlsClientOptions(t: CentreTls | undefined): {
  ca?: string;
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
} {
  if (!t) return {};
  const pins = t.pins ?? [];
  return {
    ca: t.ca,
    checkServerIdentity: (host, cert) => {
      const err = checkServerIdentity(host, cert);
      if (err || !pins.length) return err;
      const pin = pinOf(cert.raw);
      return pins.includes(pin) ? undefined : new Error(`the centre's key ${pin} is not one of the pinned keys`);
    },
  };
}
