import { createHash } from 'node:crypto';
import type { CameraIdentity, RecordingSearchSource } from '@kuzet/protocol';
import { OnvifDevice } from './onvif/client.ts';
import type { Credentials, SoapOptions } from './onvif/soap.ts';

const PLACEHOLDERS = new Set([
  'unknown',
  'none',
  'null',
  'n/a',
  'na',
  'default',
  'serial',
  'serialnumber',
  'sn',
  'test',
  '123456',
  '1234567',
  '12345678',
  '123456789',
  '1234567890',
  '0123456789',
  'abcdef',
]);

/** Whether a serial number can tell a camera apart (cheap firmware gives every unit 00000000, 123456, "unknown"…). */
export function credibleSerial(serial: string): boolean {
  const s = serial.trim().toLowerCase();
  return s.length >= 4 && !PLACEHOLDERS.has(s) && !/^(.)\1+$/.test(s);
}

export type IdBasis = NonNullable<CameraIdentity['idBasis']>;

/**
 * A stable camera id from what does not change when the camera gets another IP address: manufacturer and serial
 * number when the serial is credible; else its MAC address, else the WS-Discovery endpoint reference (which firmware
 * keeps across reboots), else its address.
 */
export function cameraIdFor(
  manufacturer: string,
  serial: string,
  endpointRef?: string,
  o: { mac?: string; host?: string; avoidSerial?: boolean } = {},
): { cameraId: string; basis: IdBasis } {
  const [basis, value]: [IdBasis, string] =
    credibleSerial(serial) && !o.avoidSerial
      ? ['serial', `${manufacturer.trim().toLowerCase()}|${serial.trim()}`]
      : o.mac
        ? ['mac', `mac|${o.mac}`]
        : endpointRef
          ? ['endpoint', `epr|${endpointRef}`]
          : ['address', `host|${o.host ?? ''}`];
  return { cameraId: `cam-${createHash('sha256').update(value).digest('hex').slice(0, 16)}`, basis };
}

export interface Identified {
  identity: CameraIdentity;
  device: OnvifDevice;
  /** the search service URL when the camera itself answers recording search */
  searchUrl?: string;
}

/**
 * Interrogates a device: clock first (some firmware rejects UsernameTokens from a skewed client), then who it is,
 * where its services are, its media profiles and stream URIs. Throws OnvifError.
 */
export async function identify(
  xaddr: string,
  creds: Credentials,
  opts: SoapOptions,
  endpointRef?: string,
): Promise<Identified> {
  const device = new OnvifDevice(xaddr, creds, opts);
  try {
    await device.clock();
  } catch {
    // a few devices refuse even GetSystemDateAndTime without auth: go on with offset 0
  }
  const info = await device.deviceInformation();
  // the MAC: the id's basis when the serial is a placeholder (and the tie-breaker when two devices share one)
  const mac = await device
    .macAddresses()
    .then((m) => m[0])
    .catch(() => undefined);
  const services = await device.serviceAddresses();
  const media = services.media ? await device.mediaProfiles() : [];
  const profiles: CameraIdentity['profiles'] = [];
  if (services.media) profiles.push('S');
  if (services.search) profiles.push('G');
  const recordingSearch: RecordingSearchSource = services.search
    ? { kind: 'camera', xaddr: services.search }
    : { kind: 'none', reason: 'the camera offers no ONVIF recording search (no Profile G search service)' };
  const host = new URL(xaddr).hostname;
  const id = cameraIdFor(info.Manufacturer, info.SerialNumber, endpointRef, { mac, host });
  const identity: CameraIdentity = {
    cameraId: id.cameraId,
    idBasis: id.basis,
    ...(mac ? { mac } : {}),
    manufacturer: info.Manufacturer,
    model: info.Model,
    firmware: info.FirmwareVersion,
    serial: info.SerialNumber,
    hardwareId: info.HardwareId ?? '',
    endpointRef,
    xaddr,
    host,
    profiles,
    auth: (await device.checksCredentials()) ? (device.soap.auth === 'unknown' ? 'none' : device.soap.auth) : 'none',
    media,
    recordingSearch,
    identifiedAt: new Date().toISOString(),
  };
  return { identity, device, searchUrl: services.search };
}

/** The profile whose stream is checked: the highest resolution one (the main stream). */
/**
 * The stream for live views: the smallest with a URI, and of equal ones the lightest (a substream fits a school's
 * uplink), else the main one.
 */
export function liveProfile(identity: CameraIdentity) {
  const weight = (m: CameraIdentity['media'][number]) => [m.width * m.height, m.bitrateKbps ?? Number.MAX_VALUE];
  return [...identity.media]
    .filter((m) => m.streamUri)
    .sort((a, b) => weight(a)[0]! - weight(b)[0]! || weight(a)[1]! - weight(b)[1]!)[0];
}

export function mainProfile(identity: CameraIdentity) {
  return [...identity.media].filter((m) => m.streamUri).sort((a, b) => b.width * b.height - a.width * a.height)[0];
}
