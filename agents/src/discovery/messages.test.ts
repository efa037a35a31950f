import { describe, expect, it } from 'vitest';
import { buildProbe, parseDiscoveryMessage } from './messages.ts';

const env = (header: string, body: string) =>
  Buffer.from(
    `<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><SOAP-ENV:Header>${header}</SOAP-ENV:Header><SOAP-ENV:Body>${body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`,
  );

describe('WS-Discovery messages', () => {
  it('builds a Probe with a fresh MessageID', () => {
    const a = buildProbe('dn:NetworkVideoTransmitter');
    expect(a.xml).toContain(`<a:MessageID>${a.messageId}</a:MessageID>`);
    expect(buildProbe('tds:Device').messageId).not.toBe(a.messageId);
    expect(parseDiscoveryMessage(Buffer.from(a.xml))).toEqual({ kind: 'Probe' });
  });

  it('parses ProbeMatches with and without Scopes, several XAddrs', () => {
    const m = parseDiscoveryMessage(
      env(
        '<wsa:RelatesTo>urn:uuid:1</wsa:RelatesTo>',
        '<d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:abc</wsa:Address></wsa:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:XAddrs>http://10.0.0.1/onvif/device_service http://[fe80::1]/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches>',
      ),
    );
    expect(m).toEqual({
      kind: 'ProbeMatches',
      relatesTo: 'urn:uuid:1',
      matches: [
        {
          endpointRef: 'urn:uuid:abc',
          types: ['dn:NetworkVideoTransmitter'],
          scopes: [],
          rawXAddrs: ['http://10.0.0.1/onvif/device_service', 'http://[fe80::1]/onvif/device_service'],
        },
      ],
    });
  });

  it('parses Hello and Bye, and rejects malformed or foreign datagrams', () => {
    const hello = parseDiscoveryMessage(
      env(
        '',
        '<d:Hello><wsa:EndpointReference><wsa:Address>urn:uuid:h</wsa:Address></wsa:EndpointReference><d:Scopes>onvif://www.onvif.org/name/x</d:Scopes><d:XAddrs>http://1.2.3.4/</d:XAddrs></d:Hello>',
      ),
    );
    expect(hello?.kind).toBe('Hello');
    const bye = parseDiscoveryMessage(
      env('', '<d:Bye><wsa:EndpointReference><wsa:Address>urn:uuid:h</wsa:Address></wsa:EndpointReference></d:Bye>'),
    );
    expect(bye).toEqual({ kind: 'Bye', endpointRef: 'urn:uuid:h' });
    expect(parseDiscoveryMessage(Buffer.from('<not<xml'))).toBeNull();
    expect(parseDiscoveryMessage(Buffer.from('\x00\x01garbage'))).toBeNull();
    expect(parseDiscoveryMessage(env('', '<d:Hello><nothing/></d:Hello>'))).toBeNull();
  });
});
