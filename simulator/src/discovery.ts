import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { XMLParser } from 'fast-xml-parser';
import type { OnvifDeviceModel } from './onvif/model.ts';
import { esc, NS } from './onvif/xml.ts';

export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';
const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false });

const types = (d: OnvifDeviceModel) => (d.kind === 'nvr' ? 'tds:Device' : 'dn:NetworkVideoTransmitter tds:Device');

function header(action: string, relatesTo?: string, to = 'urn:schemas-xmlsoap-org:ws:2005:04:discovery'): string {
  return (
    `<s:Header><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>${relatesTo ? `<wsa:RelatesTo>${esc(relatesTo)}</wsa:RelatesTo>` : ''}` +
    `<wsa:To>${to}</wsa:To><wsa:Action>${NS.d}/${action}</wsa:Action><d:AppSequence InstanceId="1" MessageNumber="1"/></s:Header>`
  );
}

function envelope(h: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.s}" xmlns:wsa="${NS.wsa}" xmlns:d="${NS.d}" xmlns:dn="${NS.dn}" xmlns:tds="${NS.tds}">${h}<s:Body>${body}</s:Body></s:Envelope>`;
}

function matchBody(d: OnvifDeviceModel, withScopes: boolean): string {
  const xaddrs = d.behaviour.xaddrs(d.host, d.onvifPort).join(' ');
  const scopes = withScopes ? `<d:Scopes>${esc(d.scopes().join(' '))}</d:Scopes>` : '';
  return `<wsa:EndpointReference><wsa:Address>${d.endpointRef}</wsa:Address></wsa:EndpointReference><d:Types>${types(d)}</d:Types>${scopes}<d:XAddrs>${esc(xaddrs)}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>`;
}

/** Does the device match a Probe's Types and Scopes (rfc3986 prefix matching)? */
export function probeMatches(d: OnvifDeviceModel, probeTypes: string, probeScopes: string): boolean {
  const want = probeTypes
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => t.split(':').pop());
  const have = types(d)
    .split(' ')
    .map((t) => t.split(':').pop());
  if (want.some((t) => !have.includes(t))) return false;
  const scopes = d.scopes();
  return probeScopes
    .split(/\s+/)
    .filter(Boolean)
    .every((s) => scopes.some((own) => own === s || own.startsWith(s.endsWith('/') ? s : `${s}/`)));
}

/**
 * WS-Discovery for all simulated devices of this process: answers Probes (multicast and unicast) with
 * ProbeMatches sent unicast to the prober, and sends Hello/Bye. Multicast goes out on one chosen interface only.
 */
export class DiscoveryResponder {
  private mcast?: dgram.Socket;
  private readonly unicast = new Map<string, dgram.Socket>();
  probesSeen = 0;

  constructor(
    private readonly devices: () => OnvifDeviceModel[],
    private readonly iface: string,
    private readonly maxDelayMs: number,
  ) {}

  async start(): Promise<void> {
    // bound to the group address itself: it gets multicast only, never a unicast probe meant for another address
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    sock.on('error', () => {});
    await new Promise<void>((resolve) => sock.bind(WSD_PORT, WSD_GROUP, () => resolve()));
    sock.addMembership(WSD_GROUP, this.iface);
    sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo, null));
    this.mcast = sock;
    await this.refreshUnicast();
  }

  /** One socket per device address for unicast probes sent straight to a device. */
  async refreshUnicast(): Promise<void> {
    const hosts = new Set(this.devices().map((d) => d.host));
    for (const host of hosts) {
      if (this.unicast.has(host)) continue;
      const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      s.on('error', () => {});
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.bind(WSD_PORT, host, () => resolve());
        });
        s.on('message', (msg, rinfo) => this.onMessage(msg, rinfo, host));
        // Hello/Bye leave from the device's own address, as on a real network
        s.setMulticastInterface(this.iface);
        s.setMulticastTTL(1);
        this.unicast.set(host, s);
      } catch {
        s.close();
      }
    }
  }

  async stop(): Promise<void> {
    this.mcast?.close();
    this.mcast = undefined;
    for (const s of this.unicast.values()) s.close();
    this.unicast.clear();
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo, host: string | null): void {
    let doc: { Envelope?: { Header?: { MessageID?: string }; Body?: { Probe?: { Types?: string; Scopes?: string } } } };
    try {
      doc = parser.parse(msg.toString('utf8'));
    } catch {
      return;
    }
    const probe = doc.Envelope?.Body?.Probe;
    if (probe === undefined) return; // Hello/Bye/ProbeMatches from others
    this.probesSeen++;
    const messageId = String(doc.Envelope?.Header?.MessageID ?? '');
    const p = (typeof probe === 'object' ? probe : {}) as { Types?: string; Scopes?: string };
    for (const d of this.devices()) {
      if (!d.online() || (host && d.host !== host)) continue;
      if (!probeMatches(d, String(p.Types ?? ''), String(p.Scopes ?? ''))) continue;
      const xml = envelope(
        header('ProbeMatches', messageId, ANONYMOUS),
        `<d:ProbeMatches><d:ProbeMatch>${matchBody(d, d.behaviour.scopesInProbeMatch)}</d:ProbeMatch></d:ProbeMatches>`,
      );
      const delay = host ? 0 : Math.random() * this.maxDelayMs;
      setTimeout(() => this.sendFrom(d.host, Buffer.from(xml), rinfo.port, rinfo.address), delay);
    }
  }

  /** Sends from the device's own address (its unicast socket); a device whose address could not be bound is mute. */
  private sendFrom(host: string, data: Buffer, port: number, address: string): void {
    this.unicast.get(host)?.send(data, port, address);
  }

  hello(d: OnvifDeviceModel): void {
    const xml = envelope(header('Hello'), `<d:Hello>${matchBody(d, true)}</d:Hello>`);
    this.sendFrom(d.host, Buffer.from(xml), WSD_PORT, WSD_GROUP);
  }

  bye(d: OnvifDeviceModel): void {
    const body = `<d:Bye><wsa:EndpointReference><wsa:Address>${d.endpointRef}</wsa:Address></wsa:EndpointReference></d:Bye>`;
    this.sendFrom(d.host, Buffer.from(envelope(header('Bye'), body)), WSD_PORT, WSD_GROUP);
  }
}
