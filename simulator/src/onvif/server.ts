import http from 'node:http';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DigestVerifier, verifyUsernameToken } from '../auth.ts';
import { CONFIG_ACTIONS, configAction, MEDIA_ONLY, type OnvifService } from './config-actions.ts';
import { deviceMediaAction } from './device-media.ts';
import type { OnvifDeviceModel } from './model.ts';
import { SearchService } from './search.ts';
import { envelope, SoapFault } from './xml.ts';

/** Actions any client may call without credentials (ONVIF Core, access class PRE_AUTH). */
const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetServices', 'GetCapabilities', 'GetServiceCapabilities']);
const MAX_BODY = 256 * 1024;
const DEVICE_MEDIA = new Set([
  'GetSystemDateAndTime',
  'GetDeviceInformation',
  'GetScopes',
  'GetNetworkInterfaces',
  'GetCapabilities',
  'GetServices',
  'GetProfiles',
  'GetVideoEncoderConfigurations',
  'GetStreamUri',
  'GetSnapshotUri',
]);
const SEARCH = new Set([
  'GetRecordingSummary',
  'GetRecordingInformation',
  'FindRecordings',
  'GetRecordingSearchResults',
  'FindEvents',
  'GetEventSearchResults',
  'EndSearch',
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
});

const text = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && '#text' in v
      ? String((v as { '#text': unknown })['#text'])
      : undefined;

/** the service a request was sent to, from its path (/onvif/media_service...) */
const serviceOf = (url = ''): OnvifService =>
  url.includes('/media') ? 'media' : url.includes('/search') ? 'search' : 'device';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SoapStats {
  requests: number;
  faults: number;
  byAction: Record<string, number>;
}

/** The HTTP side of one simulated ONVIF device: SOAP services with WS-Security and HTTP Digest, plus snapshots. */
export class OnvifHttpServer {
  private server?: http.Server;
  private readonly digest: DigestVerifier;
  private readonly search = new SearchService();
  readonly stats: SoapStats = { requests: 0, faults: 0, byAction: {} };

  constructor(private readonly device: OnvifDeviceModel) {
    this.digest = new DigestVerifier(
      `${device.behaviour.manufacturer}-${device.serial}`,
      device.behaviour.digestAlgorithms,
    );
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.device.onvifPort, this.device.host, () => resolve());
    });
    server.on('error', () => {});
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/onvif/snapshot/')) return this.onSnapshot(req, res, url);
    if (req.method !== 'POST' || !url.pathname.startsWith('/onvif/')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(c as Buffer);
    }
    const xml = Buffer.concat(chunks).toString('utf8');
    const slow = this.device.slowMs();
    if (slow) await sleep(slow);
    this.stats.requests++;
    // firmware that fails GetServices without a SOAP fault (the client must fall back to GetCapabilities)
    const broken = this.device.quirks().servicesBroken;
    if (broken !== 'no' && /GetServices\b/.test(xml) && !/GetServiceCapabilities/.test(xml)) {
      this.stats.faults++;
      if (broken === 'html')
        return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Not Found</body></html>');
      if (broken === 'empty') return void res.writeHead(200, { 'Content-Type': 'application/soap+xml' }).end();
      return void res.writeHead(Number(broken.slice(4)), { 'Content-Type': 'text/plain' }).end('error');
    }
    try {
      const body = this.handleSoap(xml, req);
      if (this.device.endlessBody()) return this.endless(res, body);
      if (this.device.malformedXml()) {
        // a firmware bug: truncated, unbalanced XML
        res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
        res.end(body.slice(0, Math.floor(body.length * 0.6)).replace(/<\/s:Body>/, '<s:Body>'));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' }).end(body);
    } catch (err) {
      this.stats.faults++;
      if (err instanceof Unauthorized) {
        res.writeHead(401, { 'WWW-Authenticate': this.digest.challenges(), 'Content-Type': 'text/plain' }).end('401');
        return;
      }
      const fault = err instanceof SoapFault ? err : new SoapFault('Receiver', 'Action', String(err));
      res.writeHead(fault.httpStatus, { 'Content-Type': 'application/soap+xml; charset=utf-8' }).end(fault.toXml());
    }
  }

  /** The answer's start, then whitespace and comments for as long as the client keeps reading. */
  private endless(res: http.ServerResponse, body: string): void {
    res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
    res.write(body.slice(0, body.indexOf('<s:Body>') + 8));
    const chunk = `<!-- ${'x'.repeat(64 * 1024)} -->`;
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) {
        /* until the socket's buffer is full */
      }
      if (!res.destroyed) res.once('drain', pump);
    };
    res.once('close', () => res.removeAllListeners('drain'));
    pump();
  }

  private handleSoap(xml: string, req: http.IncomingMessage): string {
    if (XMLValidator.validate(xml) !== true) {
      // HTTP auth comes before SOAP: an unauthenticated empty/bad body gets the Digest challenge first
      const creds = this.device.credentials();
      if (this.device.behaviour.httpDigest && !this.digest.verify(req.headers.authorization, 'POST', creds))
        throw new Unauthorized();
      throw new SoapFault('Sender', 'WellFormed', 'the request is not well-formed XML');
    }
    const doc = parser.parse(xml) as {
      Envelope?: { Header?: Record<string, unknown>; Body?: Record<string, unknown> };
    };
    const bodyEl = doc.Envelope?.Body;
    if (!bodyEl || typeof bodyEl !== 'object') throw new SoapFault('Sender', 'WellFormed', 'no SOAP Body');
    const action = Object.keys(bodyEl).find((k) => !k.startsWith('@_'));
    if (!action) throw new SoapFault('Sender', 'WellFormed', 'empty SOAP Body');
    this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1;
    const args = (typeof bodyEl[action] === 'object' ? bodyEl[action] : {}) as Record<string, unknown>;
    const service = serviceOf(req.url);
    const hasMedia = this.device.mediaProfiles().length > 0;
    const supported =
      DEVICE_MEDIA.has(action) ||
      (CONFIG_ACTIONS.has(action) && (hasMedia || !MEDIA_ONLY.has(action))) ||
      (SEARCH.has(action) && this.device.recordings() !== null);
    // credentials first: a device tells an unauthenticated client nothing, not even which actions it lacks
    if (!PRE_AUTH.has(action) || (action === 'GetSystemDateAndTime' && this.device.quirks().clockNeedsAuth))
      this.authenticate(doc.Envelope?.Header, req);
    if (!supported)
      throw new SoapFault('Receiver', 'ActionNotSupported', `action ${action} is not supported`, 'ActionNotSupported');
    const out =
      deviceMediaAction(this.device, action, args) ??
      configAction(this.device, action, args, service) ??
      this.search.handle(this.device, action, args);
    // a listed action without a handler is a simulator bug, not the client's fault
    if (out === undefined) throw new SoapFault('Receiver', 'Action', `action ${action} has no handler`);
    return envelope(out);
  }

  private authenticate(header: Record<string, unknown> | undefined, req: http.IncomingMessage): void {
    if (this.device.quirks().noAuth) return;
    const b = this.device.behaviour;
    const creds = this.device.credentials();
    if (b.httpDigest && this.digest.verify(req.headers.authorization, 'POST', creds)) return;
    const tokenEl = (header?.Security as Record<string, unknown> | undefined)?.UsernameToken as
      | Record<string, unknown>
      | undefined;
    if (b.usernameToken && tokenEl) {
      const verdict = verifyUsernameToken(
        {
          username: text(tokenEl.Username),
          password: text(tokenEl.Password),
          nonce: text(tokenEl.Nonce),
          created: text(tokenEl.Created),
        },
        creds,
        this.device.nowMs(),
        b.tokenMaxSkewMs,
      );
      if (verdict === 'ok') return;
      throw new SoapFault(
        'Sender',
        'NotAuthorized',
        verdict === 'expired' ? 'UsernameToken Created is too far from device time' : 'Sender not Authorized',
        'Authority',
      );
    }
    if (b.httpDigest) throw new Unauthorized();
    throw new SoapFault('Sender', 'NotAuthorized', 'Sender not Authorized', 'Authority');
  }

  private async onSnapshot(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const creds = this.device.credentials();
    const b = this.device.behaviour;
    const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const ok = b.httpDigest
      ? this.digest.verify(req.headers.authorization, 'GET', creds)
      : req.headers.authorization === basic;
    if (!ok) {
      const challenge = b.httpDigest ? this.digest.challenges() : `Basic realm="${b.manufacturer}"`;
      res.writeHead(401, { 'WWW-Authenticate': challenge }).end();
      return;
    }
    const token = url.pathname.slice('/onvif/snapshot/'.length).replace(/\.jpg$/, '');
    const jpeg = await this.device.snapshot(token);
    if (!jpeg) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  }
}

class Unauthorized extends Error {}
