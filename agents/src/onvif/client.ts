import { connect } from 'node:net';
import type { MediaProfile } from '@kuzet/protocol';
import { OnvifError } from './errors.ts';
import {
  Capabilities,
  check,
  DeviceInformation,
  deviceTime,
  deviceUtcMs,
  EventSearchResults,
  MediaUri,
  NetworkInterfaces,
  normaliseMac,
  Profiles,
  type RecordingInformation,
  RecordingSearchResults,
  RecordingSummary,
  Scopes,
  SearchToken,
  Services,
  SystemDateAndTime,
} from './parse.ts';
import { type Credentials, type SoapOptions, SoapSession, xmlEscape } from './soap.ts';

const NS_MEDIA = 'http://www.onvif.org/ver10/media/wsdl';
const NS_SEARCH = 'http://www.onvif.org/ver10/search/wsdl';

export interface ClockSample {
  /** device clock minus local clock, corrected for half the round trip */
  offsetMs: number;
  rttMs: number;
  ntp?: boolean;
}

export interface ServiceAddresses {
  device: string;
  media?: string;
  search?: string;
}

export interface TrackStateChange {
  recordingToken: string;
  atMs: number;
  dataPresent: boolean;
  startState: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The agent's ONVIF client for one device (camera or NVR): device management, media (Profile S) and recording
 * search (Profile G). Every answer is validated; every failure is an OnvifError.
 */
export class OnvifDevice {
  readonly soap: SoapSession;
  services?: ServiceAddresses;

  constructor(
    readonly xaddr: string,
    creds: Credentials,
    private readonly opts: SoapOptions,
  ) {
    this.soap = new SoapSession(creds, opts);
  }

  /**
   * GetSystemDateAndTime, without credentials as the standard says, and with them when the device insists (some
   * vendors do); also sets the clock offset used for UsernameToken.
   */
  async clock(timeoutMs?: number): Promise<ClockSample> {
    let t0 = Date.now();
    let r: Record<string, unknown>;
    try {
      r = await this.soap.call(this.xaddr, 'GetSystemDateAndTime', '<tds:GetSystemDateAndTime/>', false, timeoutMs);
    } catch (err) {
      if (!(err instanceof OnvifError) || err.kind !== 'auth') throw err;
      t0 = Date.now();
      r = await this.soap.call(this.xaddr, 'GetSystemDateAndTime', '<tds:GetSystemDateAndTime/>', true, timeoutMs);
    }
    const t1 = Date.now();
    const v = check(SystemDateAndTime, r, 'GetSystemDateAndTime').SystemDateAndTime;
    const deviceMs = deviceUtcMs(v);
    if (Number.isNaN(deviceMs)) throw new OnvifError('bad_response', 'GetSystemDateAndTime: invalid date');
    const rttMs = t1 - t0;
    // device seconds are truncated: its true time is on average 500 ms later than shown
    const offsetMs = deviceMs + 500 - (t0 + rttMs / 2);
    this.soap.clockOffsetMs = offsetMs;
    return { offsetMs, rttMs, ntp: v.DateTimeType ? v.DateTimeType === 'NTP' : undefined };
  }

  /** The MAC addresses of the device's network interfaces (GetNetworkInterfaces), normalised (aa:bb:…). */
  async macAddresses(): Promise<string[]> {
    const r = await this.soap.call(this.xaddr, 'GetNetworkInterfaces', '<tds:GetNetworkInterfaces/>');
    return check(NetworkInterfaces, r, 'GetNetworkInterfaces')
      .NetworkInterfaces.map((n) => normaliseMac(n.Info?.HwAddress ?? ''))
      .filter((m): m is string => m !== undefined);
  }

  /** The device's scopes (GetScopes): what it is (type/…), its name and location. */
  async scopes(): Promise<string[]> {
    const r = await this.soap.call(this.xaddr, 'GetScopes', '<tds:GetScopes/>');
    return check(Scopes, r, 'GetScopes').Scopes;
  }

  /** Whether the device refuses GetDeviceInformation without credentials (some check none at all). */
  async checksCredentials(): Promise<boolean> {
    try {
      await this.soap.call(this.xaddr, 'GetDeviceInformation', '<tds:GetDeviceInformation/>', false);
      return false;
    } catch {
      return true;
    }
  }

  async deviceInformation() {
    const r = await this.soap.call(this.xaddr, 'GetDeviceInformation', '<tds:GetDeviceInformation/>');
    return check(DeviceInformation, r, 'GetDeviceInformation');
  }

  /** Where the media and search services are: GetServices, or GetCapabilities on older firmware. */
  async serviceAddresses(): Promise<ServiceAddresses> {
    try {
      const r = await this.soap.call(
        this.xaddr,
        'GetServices',
        '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>',
      );
      const list = check(Services, r, 'GetServices').Service;
      this.services = {
        device: this.xaddr,
        media: list.find((s) => s.Namespace === NS_MEDIA)?.XAddr,
        search: list.find((s) => s.Namespace === NS_SEARCH)?.XAddr,
      };
    } catch (err) {
      // older firmware has no GetServices, and some fail it without a SOAP fault (an HTTP error, an HTML page, an
      // empty body): GetCapabilities says the same; when that fails too, the first failure is the one to report
      try {
        const r = await this.soap.call(
          this.xaddr,
          'GetCapabilities',
          '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>',
        );
        const c = check(Capabilities, r, 'GetCapabilities').Capabilities;
        this.services = { device: this.xaddr, media: c.Media?.XAddr, search: c.Extension?.Search?.XAddr };
      } catch {
        throw err;
      }
    }
    this.services = {
      device: this.xaddr,
      media: await this.fixedUp(this.services.media),
      search: await this.fixedUp(this.services.search),
    };
    return this.services;
  }

  /**
   * A service address as usable: one that points nowhere useful (0.0.0.0, a stale address, the inside of a NAT,
   * another port) is moved to the host and port the device service answered on, its path kept.
   */
  private async fixedUp(url: string | undefined): Promise<string | undefined> {
    const mode = this.opts.serviceAddresses ?? 'auto';
    if (!url || mode === 'off') return url;
    let u: URL;
    const device = new URL(this.xaddr);
    try {
      u = new URL(url);
    } catch {
      return url; // the call itself says it is unusable
    }
    if (u.host === device.host) return url;
    const placeholder = ['0.0.0.0', '', 'localhost', '[::]'].includes(u.hostname);
    if (mode === 'auto' && !placeholder && (await tcpAnswers(u.hostname, Number(u.port || 80), 1500))) return url;
    u.protocol = device.protocol;
    u.host = device.host;
    return u.toString();
  }

  private async mediaUrl(): Promise<string> {
    const s = this.services ?? (await this.serviceAddresses());
    if (!s.media) throw new OnvifError('fault', `${this.xaddr}: device has no media service`);
    return s.media;
  }

  /** Media profiles with their encoder configuration, stream and snapshot URIs. */
  async mediaProfiles(): Promise<MediaProfile[]> {
    const url = await this.mediaUrl();
    const r = await this.soap.call(url, 'GetProfiles', '<trt:GetProfiles/>');
    const profiles = check(Profiles, r, 'GetProfiles').Profiles;
    const out: MediaProfile[] = [];
    for (const p of profiles) {
      const enc = p.VideoEncoderConfiguration;
      if (!enc) continue;
      const token = p['@_token'];
      const uriBody = `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${xmlEscape(token)}</trt:ProfileToken></trt:GetStreamUri>`;
      const stream = check(MediaUri, await this.soap.call(url, 'GetStreamUri', uriBody), 'GetStreamUri').MediaUri.Uri;
      let snapshot: string | undefined;
      try {
        const snapBody = `<trt:GetSnapshotUri><trt:ProfileToken>${xmlEscape(token)}</trt:ProfileToken></trt:GetSnapshotUri>`;
        snapshot = check(MediaUri, await this.soap.call(url, 'GetSnapshotUri', snapBody), 'GetSnapshotUri').MediaUri
          .Uri;
      } catch (err) {
        if (!(err instanceof OnvifError) || err.kind !== 'fault') throw err; // snapshots are optional
      }
      out.push({
        token,
        name: p.Name ?? token,
        encoding: enc.Encoding,
        width: enc.Resolution.Width,
        height: enc.Resolution.Height,
        fps: enc.RateControl?.FrameRateLimit ?? 0,
        bitrateKbps: enc.RateControl?.BitrateLimit,
        streamUri: stream,
        snapshotUri: snapshot,
      });
    }
    return out;
  }

  async recordingSummary(searchUrl: string) {
    const r = await this.soap.call(searchUrl, 'GetRecordingSummary', '<tse:GetRecordingSummary/>');
    const s = check(RecordingSummary, r, 'GetRecordingSummary').Summary;
    return {
      fromMs: deviceTime(s.DataFrom, 'GetRecordingSummary'),
      untilMs: deviceTime(s.DataUntil, 'GetRecordingSummary'),
      count: s.NumberRecordings,
    };
  }

  /** Polls a search until it is Completed (bounded), collecting every page of results. */
  private async collect<T>(
    searchUrl: string,
    action: string,
    token: string,
    page: (r: unknown) => { done: boolean; items: T[] },
  ): Promise<T[]> {
    const items: T[] = [];
    for (let i = 0; i < 50; i++) {
      const body = `<tse:${action}><tse:SearchToken>${xmlEscape(token)}</tse:SearchToken><tse:MaxResults>500</tse:MaxResults><tse:WaitTime>PT2S</tse:WaitTime></tse:${action}>`;
      const p = page(await this.soap.call(searchUrl, action, body));
      items.push(...p.items);
      if (p.done) return items;
      await sleep(100);
    }
    throw new OnvifError('timeout', `${action}: search did not complete`);
  }

  async findRecordings(searchUrl: string): Promise<RecordingInformation[]> {
    const started = await this.soap.call(
      searchUrl,
      'FindRecordings',
      '<tse:FindRecordings><tse:Scope/><tse:MaxMatches>1000</tse:MaxMatches><tse:KeepAliveTime>PT30S</tse:KeepAliveTime></tse:FindRecordings>',
    );
    const token = check(SearchToken, started, 'FindRecordings').SearchToken;
    return this.collect(searchUrl, 'GetRecordingSearchResults', token, (r) => {
      const list = check(RecordingSearchResults, r, 'GetRecordingSearchResults').ResultList;
      return { done: list.SearchState === 'Completed', items: list.RecordingInformation };
    });
  }

  /** Recording track state changes (data present or not) of one recording in [fromMs, toMs]. */
  async trackStateChanges(
    searchUrl: string,
    recordingToken: string,
    fromMs: number,
    toMs: number,
  ): Promise<TrackStateChange[]> {
    const iso = (ms: number) => new Date(ms).toISOString();
    const body =
      `<tse:FindEvents><tse:StartPoint>${iso(fromMs)}</tse:StartPoint><tse:EndPoint>${iso(toMs)}</tse:EndPoint>` +
      `<tse:Scope><tt:IncludedRecordings>${xmlEscape(recordingToken)}</tt:IncludedRecordings></tse:Scope>` +
      '<tse:SearchFilter><tt:TopicExpression Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RecordingHistory/Track/State</tt:TopicExpression></tse:SearchFilter>' +
      '<tse:IncludeStartState>true</tse:IncludeStartState><tse:MaxMatches>10000</tse:MaxMatches><tse:KeepAliveTime>PT30S</tse:KeepAliveTime></tse:FindEvents>';
    const token = check(SearchToken, await this.soap.call(searchUrl, 'FindEvents', body), 'FindEvents').SearchToken;
    const results = await this.collect(searchUrl, 'GetEventSearchResults', token, (r) => {
      const list = check(EventSearchResults, r, 'GetEventSearchResults').ResultList;
      return { done: list.SearchState === 'Completed', items: list.Result };
    });
    const changes: TrackStateChange[] = [];
    for (const r of results) {
      if (!r.Event.Topic.endsWith('RecordingHistory/Track/State')) continue;
      const item = r.Event.Message.Message.Data?.SimpleItem.find((s) => s['@_Name'] === 'IsDataPresent');
      if (!item) continue;
      changes.push({
        recordingToken: r.RecordingToken,
        atMs: deviceTime(r.Time, 'GetEventSearchResults'),
        dataPresent: item['@_Value'] === 'true',
        startState: r.StartStateEvent === 'true',
      });
    }
    return changes.sort((a, b) => a.atMs - b.atMs);
  }
}

/** Whether something accepts a TCP connection at host:port within `ms`. */
function tcpAnswers(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
