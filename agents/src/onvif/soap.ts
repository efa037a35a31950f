import { createHash, randomBytes } from 'node:crypto';
import type { AuthMode } from '@kuzet/protocol';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BodyTooLarge, readCapped } from '../http-body.ts';
import { DigestError, DigestSession, parseDigestChallenge } from './digest.ts';
import { networkError, OnvifError } from './errors.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** Elements that may repeat in ONVIF answers: always parsed as arrays. */
const ARRAY_TAGS = new Set([
  'Profiles',
  'Configurations',
  'Service',
  'Scopes',
  'RecordingInformation',
  'Track',
  'Result',
  'SimpleItem',
  'ProbeMatch',
  'NetworkInterfaces',
  'Scopes',
]);

export const xmlParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

/** Parses XML from a device; a malformed document is a clear OnvifError, never an exception from the parser. */
export function parseXml(xml: string, what: string): Record<string, unknown> {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new OnvifError('bad_response', `${what}: malformed XML (${valid.err.msg} at line ${valid.err.line})`);
  try {
    return xmlParser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new OnvifError('bad_response', `${what}: unparseable XML (${(err as Error).message})`);
  }
}

const NAMESPACES =
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" ' +
  'xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tse="http://www.onvif.org/ver10/search/wsdl" ' +
  'xmlns:tt="http://www.onvif.org/ver10/schema"';

export const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** WS-Security UsernameToken with PasswordDigest; Created is in the device's time (clock offset applied). */
export function usernameToken(creds: Credentials, clockOffsetMs: number): string {
  const nonce = randomBytes(16);
  const created = new Date(Date.now() + clockOffsetMs).toISOString();
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(creds.password)]))
    .digest('base64');
  return (
    '<wsse:Security s:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    `<wsse:UsernameToken><wsse:Username>${xmlEscape(creds.username)}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

interface RawReply {
  status: number;
  text: string;
  wwwAuthenticate: string | null;
}

export interface SoapOptions {
  timeoutMs: number;
  maxBytes?: number;
  /**
   * service addresses a device gives (GetServices/GetCapabilities) that point elsewhere (0.0.0.0, a stale address,
   * the inside of a NAT): 'auto' reaches a service at the address the device answered on when its own does not
   * answer (0.0.0.0 at once), 'always' always does, 'off' uses them as given
   */
  serviceAddresses?: 'auto' | 'always' | 'off';
}

type Attempt = 'none' | 'usernameToken' | 'httpDigest';

/**
 * SOAP 1.2 over HTTP to one ONVIF device. Learns how the device wants to be authenticated (UsernameToken or HTTP
 * Digest) at first contact and remembers it; keeps the device's clock offset for UsernameToken.
 */
export class SoapSession {
  auth: AuthMode | 'unknown' = 'unknown';
  clockOffsetMs = 0;
  private digest?: DigestSession;

  constructor(
    readonly creds: Credentials,
    private readonly opts: SoapOptions,
  ) {}

  private async post(url: string, xml: string, headers: Record<string, string>, timeoutMs: number): Promise<RawReply> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/soap+xml; charset=utf-8', ...headers },
        body: xml,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const max = this.opts.maxBytes ?? 4 * 1024 * 1024;
      const len = Number(res.headers.get('content-length') ?? 0);
      if (len > max) {
        await res.body?.cancel();
        throw new OnvifError('bad_response', `${url}: answer of ${len} bytes is too large`);
      }
      const text = await readCapped(res, max, url);
      return { status: res.status, text, wwwAuthenticate: res.headers.get('www-authenticate') };
    } catch (err) {
      if (err instanceof BodyTooLarge) throw new OnvifError('bad_response', err.message);
      throw networkError(err, url);
    }
  }

  private async send(url: string, body: string, attempt: Attempt, timeoutMs: number): Promise<RawReply> {
    const header = attempt === 'usernameToken' ? usernameToken(this.creds, this.clockOffsetMs) : '';
    const xml = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${NAMESPACES}><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
    const headers: Record<string, string> = {};
    let path: string;
    try {
      // a service address comes from the device's own answers: a broken one is the device's error, not ours
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(u.protocol);
      path = u.pathname;
    } catch {
      throw new OnvifError('bad_response', `the device gave an unusable service address: ${url.slice(0, 200)}`);
    }
    // an algorithm the device asks for that we do not speak is an authentication failure, said as such
    const authorize = (d: DigestSession) => {
      try {
        return d.authorization('POST', path);
      } catch (err) {
        if (err instanceof DigestError) throw new OnvifError('auth', err.message);
        throw err;
      }
    };
    if (attempt === 'httpDigest' && this.digest) headers.Authorization = authorize(this.digest);
    let reply = await this.post(url, xml, headers, timeoutMs);
    if (attempt === 'httpDigest' && reply.status === 401) {
      const challenge = parseDigestChallenge(reply.wwwAuthenticate);
      if (!challenge) return reply;
      if (this.digest) this.digest.update(challenge);
      else this.digest = new DigestSession(challenge, this.creds.username, this.creds.password);
      reply = await this.post(url, xml, { Authorization: authorize(this.digest) }, timeoutMs);
    }
    return reply;
  }

  /**
   * Calls `action` and returns the content of its `<ActionResponse>` element. With `auth`, the learned auth
   * method is used; before it is known: UsernameToken first, HTTP Digest when the device challenges for it.
   */
  async call(
    url: string,
    action: string,
    body: string,
    auth = true,
    timeoutMs = this.opts.timeoutMs,
  ): Promise<Record<string, unknown>> {
    if (!auth) return this.interpret(await this.send(url, body, 'none', timeoutMs), url, action);
    if (this.auth !== 'unknown') {
      return this.interpret(await this.send(url, body, this.auth, timeoutMs), url, action);
    }
    const first = await this.send(url, body, 'usernameToken', timeoutMs);
    let result: Record<string, unknown> | undefined;
    let firstErr: unknown;
    try {
      result = this.interpret(first, url, action);
      this.auth = 'usernameToken';
      return result;
    } catch (err) {
      if (!(err instanceof OnvifError) || err.kind !== 'auth') throw err;
      firstErr = err;
    }
    // UsernameToken was refused or ignored: does the device want HTTP Digest?
    const digestReply = await this.send(url, body, 'httpDigest', timeoutMs);
    if (!this.digest) throw firstErr;
    result = this.interpret(digestReply, url, action);
    this.auth = 'httpDigest';
    return result;
  }

  private interpret(reply: RawReply, url: string, action: string): Record<string, unknown> {
    const what = `${action} at ${url}`;
    if (reply.status === 401)
      throw new OnvifError('auth', `${what}: credentials refused (HTTP 401)`, { status: 401, action });
    if (!reply.text.trim())
      throw new OnvifError('http', `${what}: HTTP ${reply.status} with empty body`, { status: reply.status });
    const doc = parseXml(reply.text, what);
    const envelope = doc.Envelope as Record<string, unknown> | undefined;
    const body = envelope?.Body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') throw new OnvifError('bad_response', `${what}: no SOAP Body in answer`);
    const fault = body.Fault as Record<string, unknown> | undefined;
    if (fault) {
      const codes = JSON.stringify(fault.Code ?? '');
      const subcode = /ter:([A-Za-z]+)/.exec(codes)?.[1] ?? 'unknown';
      const reasonText = JSON.stringify((fault.Reason as Record<string, unknown> | undefined)?.Text ?? '');
      const detail = { status: reply.status, subcode, action };
      if (subcode === 'NotAuthorized' || /not ?authori[sz]ed/i.test(reasonText))
        throw new OnvifError('auth', `${what}: credentials refused (${subcode})`, detail);
      throw new OnvifError('fault', `${what}: SOAP fault ter:${subcode} ${reasonText}`, detail);
    }
    if (reply.status !== 200) throw new OnvifError('http', `${what}: HTTP ${reply.status}`, { status: reply.status });
    const response = body[`${action}Response`];
    if (response === undefined) throw new OnvifError('bad_response', `${what}: answer has no ${action}Response`);
    return (typeof response === 'object' && response ? response : {}) as Record<string, unknown>;
  }
}
