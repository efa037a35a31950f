import { randomBytes } from 'node:crypto';
import type { OnvifDeviceModel, RecordingModel } from './model.ts';
import { esc, isoSeconds, SoapFault } from './xml.ts';

interface Search {
  kind: 'recordings' | 'events';
  xml: string[];
  createdAt: number;
}

const MAX_SEARCHES = 64;

function recordingInfoXml(r: RecordingModel): string {
  return (
    `<tt:RecordingToken>${esc(r.token)}</tt:RecordingToken><tt:Source><tt:SourceId>${esc(r.sourceId)}</tt:SourceId><tt:Name>${esc(r.sourceName)}</tt:Name><tt:Location>school</tt:Location><tt:Description>${esc(r.sourceName)}</tt:Description><tt:Address>${esc(r.sourceId)}</tt:Address></tt:Source>` +
    `<tt:EarliestRecording>${isoSeconds(r.earliestMs)}</tt:EarliestRecording><tt:LatestRecording>${isoSeconds(r.latestMs)}</tt:LatestRecording><tt:Content>${esc(r.sourceName)}</tt:Content>` +
    `<tt:Track><tt:TrackToken>VIDEO001</tt:TrackToken><tt:TrackType>Video</tt:TrackType><tt:Description>video</tt:Description><tt:DataFrom>${isoSeconds(r.earliestMs)}</tt:DataFrom><tt:DataTo>${isoSeconds(r.latestMs)}</tt:DataTo></tt:Track>` +
    `<tt:RecordingStatus>Recording</tt:RecordingStatus>`
  );
}

function trackStateEvent(r: RecordingModel, atMs: number, present: boolean, isStartState: boolean): string {
  return (
    `<tt:Result><tt:RecordingToken>${esc(r.token)}</tt:RecordingToken><tt:TrackToken>VIDEO001</tt:TrackToken><tt:Time>${isoSeconds(atMs)}</tt:Time>` +
    `<tt:Event><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RecordingHistory/Track/State</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${isoSeconds(atMs)}"><tt:Source><tt:SimpleItem Name="RecordingToken" Value="${esc(r.token)}"/><tt:SimpleItem Name="Track" Value="VIDEO001"/></tt:Source>` +
    `<tt:Data><tt:SimpleItem Name="IsDataPresent" Value="${present}"/></tt:Data></tt:Message></wsnt:Message></tt:Event>` +
    `<tt:StartStateEvent>${isStartState}</tt:StartStateEvent></tt:Result>`
  );
}

/** Track state changes of one recording within [fromMs, toMs]: data present from earliest, absent in each gap. */
function trackEvents(r: RecordingModel, fromMs: number, toMs: number, includeStartState: boolean): string[] {
  const changes: { at: number; present: boolean }[] = [{ at: r.earliestMs, present: true }];
  for (const g of [...r.gaps].sort((a, b) => a.startMs - b.startMs)) {
    changes.push({ at: g.startMs, present: false }, { at: g.endMs, present: true });
  }
  const out: string[] = [];
  if (includeStartState) {
    const before = changes.filter((c) => c.at <= fromMs).at(-1);
    if (before) out.push(trackStateEvent(r, fromMs, before.present, true));
  }
  for (const c of changes) if (c.at > fromMs && c.at <= toMs) out.push(trackStateEvent(r, c.at, c.present, false));
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** ONVIF Profile G recording search (search service) over a device's recordings. */
export class SearchService {
  private readonly searches = new Map<string, Search>();

  private start(kind: Search['kind'], xml: string[]): string {
    const token = `search-${randomBytes(6).toString('hex')}`;
    this.searches.set(token, { kind, xml, createdAt: Date.now() });
    if (this.searches.size > MAX_SEARCHES) this.searches.delete(this.searches.keys().next().value!);
    return token;
  }

  private take(kind: Search['kind'], body: Record<string, unknown>): Search {
    const token = str(body.SearchToken);
    const s = token ? this.searches.get(token) : undefined;
    if (!s || s.kind !== kind) throw new SoapFault('Sender', 'InvalidArgVal', 'unknown search token', 'InvalidToken');
    return s;
  }

  handle(d: OnvifDeviceModel, action: string, body: Record<string, unknown>): string | undefined {
    const recordings = d.recordings();
    if (!recordings) return undefined;
    switch (action) {
      case 'GetRecordingSummary': {
        const from = Math.min(...recordings.map((r) => r.earliestMs));
        const until = Math.max(...recordings.map((r) => r.latestMs));
        return `<tse:GetRecordingSummaryResponse><tse:Summary><tt:DataFrom>${isoSeconds(from)}</tt:DataFrom><tt:DataUntil>${isoSeconds(until)}</tt:DataUntil><tt:NumberRecordings>${recordings.length}</tt:NumberRecordings></tse:Summary></tse:GetRecordingSummaryResponse>`;
      }
      case 'GetRecordingInformation': {
        const r = recordings.find((x) => x.token === str(body.RecordingToken));
        if (!r) throw new SoapFault('Sender', 'InvalidArgVal', 'no such recording', 'NoRecording');
        return `<tse:GetRecordingInformationResponse><tse:RecordingInformation>${recordingInfoXml(r)}</tse:RecordingInformation></tse:GetRecordingInformationResponse>`;
      }
      case 'FindRecordings': {
        const token = this.start(
          'recordings',
          recordings.map((r) => `<tt:RecordingInformation>${recordingInfoXml(r)}</tt:RecordingInformation>`),
        );
        return `<tse:FindRecordingsResponse><tse:SearchToken>${token}</tse:SearchToken></tse:FindRecordingsResponse>`;
      }
      case 'GetRecordingSearchResults': {
        const s = this.take('recordings', body);
        return `<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState>${s.xml.join('')}</tse:ResultList></tse:GetRecordingSearchResultsResponse>`;
      }
      case 'FindEvents': {
        const fromMs = Date.parse(str(body.StartPoint) ?? '');
        const endPoint = str(body.EndPoint);
        const toMs = endPoint ? Date.parse(endPoint) : d.nowMs();
        if (Number.isNaN(fromMs) || Number.isNaN(toMs))
          throw new SoapFault('Sender', 'InvalidArgVal', 'StartPoint/EndPoint must be xs:dateTime', 'InvalidArgs');
        const scope = body.Scope as { IncludedRecordings?: unknown } | undefined;
        const included = ([] as unknown[]).concat(scope?.IncludedRecordings ?? []).map(String);
        const includeStart = String(body.IncludeStartState) === 'true';
        const xml = recordings
          .filter((r) => included.length === 0 || included.includes(r.token))
          .flatMap((r) => trackEvents(r, Math.min(fromMs, toMs), Math.max(fromMs, toMs), includeStart));
        const token = this.start('events', xml);
        return `<tse:FindEventsResponse><tse:SearchToken>${token}</tse:SearchToken></tse:FindEventsResponse>`;
      }
      case 'GetEventSearchResults': {
        const s = this.take('events', body);
        return `<tse:GetEventSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState>${s.xml.join('')}</tse:ResultList></tse:GetEventSearchResultsResponse>`;
      }
      case 'EndSearch': {
        const token = str(body.SearchToken);
        if (!token || !this.searches.delete(token))
          throw new SoapFault('Sender', 'InvalidArgVal', 'unknown search token', 'InvalidToken');
        return `<tse:EndSearchResponse><tse:Endpoint>${isoSeconds(d.nowMs())}</tse:Endpoint></tse:EndSearchResponse>`;
      }
      default:
        return undefined;
    }
  }
}
