import { z } from 'zod';
import { OnvifError } from './errors.ts';

/** Text content of an element that may carry attributes ({'#text': ...}). */
export const Text = z.preprocess(
  (v) => (v && typeof v === 'object' && '#text' in v ? (v as Record<string, unknown>)['#text'] : v),
  z.union([z.string(), z.number()]).transform(String),
);
const Num = z.preprocess(
  (v) => (v && typeof v === 'object' && '#text' in v ? (v as Record<string, unknown>)['#text'] : v),
  z.coerce.number(),
);
const OptText = Text.optional().catch(undefined);

/** Validates a parsed device answer; a mismatch is an OnvifError naming the action and the first problems. */
export function check<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new OnvifError('bad_response', `${what}: unexpected answer (${issues})`);
}

const DateTime = z.object({
  Time: z.object({ Hour: Num, Minute: Num, Second: Num }),
  Date: z.object({ Year: Num, Month: Num, Day: Num }),
});
/** ONVIF 2.0+ gives UTCDateTime; earlier firmware only LocalDateTime with a POSIX TimeZone (both are optional). */
export const SystemDateAndTime = z.object({
  SystemDateAndTime: z
    .object({
      DateTimeType: OptText,
      TimeZone: z.object({ TZ: OptText }).optional().catch(undefined),
      UTCDateTime: DateTime.optional(),
      LocalDateTime: DateTime.optional(),
    })
    .refine((v) => v.UTCDateTime || (v.LocalDateTime && v.TimeZone?.TZ), {
      message: 'neither UTCDateTime nor LocalDateTime with a TimeZone',
    }),
});

/**
 * The UTC offset of a POSIX TZ string's standard time, in ms (local = UTC + result): "UTC-5", "ALMT-5", "<+05>-5",
 * "CET-1CEST,M3.5.0,M10.5.0/3" (POSIX counts hours west of Greenwich, hence the sign). Undefined when it has none.
 */
export function posixOffsetMs(tz: string): number | undefined {
  const m = /^(?:<[^>]+>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?/.exec(tz.trim());
  if (!m) return undefined;
  const west = (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? west : -west;
}

/** The device's time as UTC ms from a SystemDateAndTime answer (NaN when it cannot be read). */
export function deviceUtcMs(v: z.infer<typeof SystemDateAndTime>['SystemDateAndTime']): number {
  const at = (x: z.infer<typeof DateTime>) =>
    Date.UTC(x.Date.Year, x.Date.Month - 1, x.Date.Day, x.Time.Hour, x.Time.Minute, x.Time.Second);
  if (v.UTCDateTime) return at(v.UTCDateTime);
  const offset = posixOffsetMs(v.TimeZone?.TZ ?? '');
  return v.LocalDateTime && offset !== undefined ? at(v.LocalDateTime) - offset : Number.NaN;
}

export const DeviceInformation = z.object({
  Manufacturer: Text,
  Model: Text,
  FirmwareVersion: Text,
  SerialNumber: Text,
  HardwareId: OptText,
});

export const NetworkInterfaces = z.object({
  NetworkInterfaces: z
    .array(z.object({ Info: z.object({ HwAddress: OptText }).optional().catch(undefined) }).catch({}))
    .default([]),
});

export const Scopes = z.object({
  Scopes: z
    .array(z.object({ ScopeItem: OptText }).catch({}))
    .default([])
    .transform((xs) => xs.flatMap((x) => (x.ScopeItem ? [x.ScopeItem] : []))),
});

export const Services = z.object({
  Service: z.array(z.object({ Namespace: Text, XAddr: Text })).default([]),
});

const XAddrHolder = z.object({ XAddr: Text }).optional().catch(undefined);
export const Capabilities = z.object({
  Capabilities: z.object({
    Device: XAddrHolder,
    Media: XAddrHolder,
    Extension: z.object({ Search: XAddrHolder }).optional().catch(undefined),
  }),
});

const Encoder = z.object({
  Encoding: Text,
  Resolution: z.object({ Width: Num, Height: Num }),
  RateControl: z.object({ FrameRateLimit: Num, BitrateLimit: Num.optional() }).optional(),
});

export const Profiles = z.object({
  Profiles: z
    .array(
      z.object({
        '@_token': z.string(),
        Name: OptText,
        VideoEncoderConfiguration: Encoder.optional(),
      }),
    )
    .default([]),
});

export const MediaUri = z.object({ MediaUri: z.object({ Uri: Text }) });

export const RecordingSummary = z.object({
  Summary: z.object({ DataFrom: Text, DataUntil: Text, NumberRecordings: Num }),
});

export const SearchToken = z.object({ SearchToken: Text });

export const RecordingInformation = z.object({
  RecordingToken: Text,
  Source: z.object({ SourceId: OptText, Name: OptText, Address: OptText }).optional(),
  EarliestRecording: OptText,
  LatestRecording: OptText,
  Track: z.array(z.object({ TrackToken: Text, TrackType: OptText, DataFrom: OptText, DataTo: OptText })).default([]),
});
export type RecordingInformation = z.infer<typeof RecordingInformation>;

export const RecordingSearchResults = z.object({
  ResultList: z.object({
    SearchState: Text,
    RecordingInformation: z.array(RecordingInformation).default([]),
  }),
});

const SimpleItem = z.object({ '@_Name': z.string(), '@_Value': z.string() });
export const EventSearchResults = z.object({
  ResultList: z.object({
    SearchState: Text,
    Result: z
      .array(
        z.object({
          RecordingToken: Text,
          TrackToken: OptText,
          Time: Text,
          Event: z.object({
            Topic: Text,
            Message: z.object({
              Message: z.object({ Data: z.object({ SimpleItem: z.array(SimpleItem).default([]) }).optional() }),
            }),
          }),
          StartStateEvent: OptText,
        }),
      )
      .default([]),
  }),
});

/** xs:dateTime from a device, validated. */
export function deviceTime(s: string | undefined, what: string): number {
  const t = s ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(t)) throw new OnvifError('bad_response', `${what}: invalid date/time "${s ?? ''}"`);
  return t;
}

/** A MAC address as aa:bb:cc:dd:ee:ff, or undefined when it is not one (or is all zeros, as some firmware says). */
export function normaliseMac(raw: string): string | undefined {
  const hex = raw.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  if (hex.length !== 12 || /^0+$/.test(hex) || /^f+$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}
