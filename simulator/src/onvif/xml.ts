export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tse: 'http://www.onvif.org/ver10/search/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  tns1: 'http://www.onvif.org/ver10/topics',
  wsa: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  d: 'http://schemas.xmlsoap.org/ws/2005/04/discovery',
  dn: 'http://www.onvif.org/ver10/network/wsdl',
} as const;

export function esc(s: string | number): string {
  return String(s).replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

const nsAttrs = Object.entries(NS)
  .filter(([k]) => !['wsa', 'd', 'dn'].includes(k))
  .map(([k, v]) => `xmlns:${k}="${v}"`)
  .join(' ');

export function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${nsAttrs}><s:Body>${body}</s:Body></s:Envelope>`;
}

/**
 * A SOAP 1.2 fault as ONVIF devices send it (Core spec 5.11: ter: subcodes), with the HTTP status the SOAP 1.2 HTTP
 * binding gives its code: env:Sender 400 Bad Request, env:Receiver 500 Internal Server Error.
 */
export class SoapFault extends Error {
  constructor(
    readonly code: 'Sender' | 'Receiver',
    readonly subcode: string,
    readonly reason: string,
    readonly subsubcode?: string,
  ) {
    super(reason);
  }

  get httpStatus(): 400 | 500 {
    return this.code === 'Sender' ? 400 : 500;
  }

  toXml(): string {
    const inner = this.subsubcode ? `<s:Subcode><s:Value>ter:${this.subsubcode}</s:Value></s:Subcode>` : '';
    return envelope(
      `<s:Fault><s:Code><s:Value>s:${this.code}</s:Value><s:Subcode><s:Value>ter:${this.subcode}</s:Value>${inner}</s:Subcode></s:Code>` +
        `<s:Reason><s:Text xml:lang="en">${esc(this.reason)}</s:Text></s:Reason></s:Fault>`,
    );
  }
}

export const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
