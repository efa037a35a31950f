import { randomUUID } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'ProbeMatch',
});

export interface Announcement {
  endpointRef: string;
  types: string[];
  scopes: string[];
  rawXAddrs: string[];
}

export type DiscoveryMessage =
  | { kind: 'ProbeMatches'; relatesTo: string; matches: Announcement[] }
  | { kind: 'Hello'; match: Announcement }
  | { kind: 'Bye'; endpointRef: string }
  | { kind: 'Probe' };

export const PROBE_TYPES = ['dn:NetworkVideoTransmitter', 'tds:Device'] as const;

export function buildProbe(types: string): { messageId: string; xml: string } {
  const messageId = `urn:uuid:${randomUUID()}`;
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
    'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" ' +
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Header>' +
    `<a:MessageID>${messageId}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>` +
    '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>' +
    `<s:Body><d:Probe>${types ? `<d:Types>${types}</d:Types>` : ''}</d:Probe></s:Body></s:Envelope>`;
  return { messageId, xml };
}

const words = (v: unknown) =>
  String(typeof v === 'object' && v ? ((v as Record<string, unknown>)['#text'] ?? '') : (v ?? ''))
    .split(/\s+/)
    .filter(Boolean);

function announcement(m: Record<string, unknown> | undefined): Announcement | undefined {
  const ref = (m?.EndpointReference as Record<string, unknown> | undefined)?.Address;
  if (!m || typeof ref !== 'string' || !ref) return undefined;
  return { endpointRef: ref.trim(), types: words(m.Types), scopes: words(m.Scopes), rawXAddrs: words(m.XAddrs) };
}

/** Parses a WS-Discovery datagram; anything malformed or irrelevant gives null (and is counted by the caller). */
export function parseDiscoveryMessage(data: Buffer): DiscoveryMessage | null {
  const xml = data.toString('utf8');
  if (XMLValidator.validate(xml) !== true) return null;
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml);
  } catch {
    return null;
  }
  const env = doc.Envelope as Record<string, unknown> | undefined;
  const header = env?.Header as Record<string, unknown> | undefined;
  const body = env?.Body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return null;
  if ('Probe' in body) return { kind: 'Probe' };
  if ('ProbeMatches' in body) {
    const pm = body.ProbeMatches as Record<string, unknown> | undefined;
    const list = ((pm?.ProbeMatch as Record<string, unknown>[] | undefined) ?? []).map(announcement);
    const matches = list.filter((a): a is Announcement => a !== undefined);
    return { kind: 'ProbeMatches', relatesTo: String(header?.RelatesTo ?? '').trim(), matches };
  }
  if ('Hello' in body) {
    const match = announcement(body.Hello as Record<string, unknown>);
    return match ? { kind: 'Hello', match } : null;
  }
  if ('Bye' in body) {
    const ref = (
      (body.Bye as Record<string, unknown> | undefined)?.EndpointReference as Record<string, unknown> | undefined
    )?.Address;
    return typeof ref === 'string' ? { kind: 'Bye', endpointRef: ref.trim() } : null;
  }
  return null;
}
