import { createHash } from 'node:crypto';
import type { CameraIdentity, RecordingSearchSource } from '@kuzet/protocol';
import { OnvifDevice } from './onvif/client.ts';
import type { Credentials, SoapOptions } from './onvif/soap.ts';

/**
 * A stable camera id from what does not change when the camera gets another IP address: manufacturer and serial
 * number (else the WS-Discovery endpoint reference, which firmware keeps across reboots).
 */
export function cameraIdFor(manufacturer: string, serial: string, endpointRef?: string): string {
  const basis = serial.trim() ? `${manufacturer.trim().toLowerCase()}|${serial.trim()}` : `epr|${endpointRef ?? ''}`;
  return `cam-${createHash('sha256').update(basis).digest('hex').slice(0, 16)}`;
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
  const services = await device.serviceAddresses();
  const media = services.media ? await device.mediaProfiles() : [];
  const profiles: CameraIdentity['profiles'] = [];
  if (services.media) profiles.push('S');
  if (services.search) profiles.push('G');
  const recordingSearch: RecordingSearchSource = services.search
    ? { kind: 'camera', xaddr: services.search }
    : { kind: 'none', reason: 'the camera offers no ONVIF recording search (no Profile G search service)' };
  const identity: CameraIdentity = {
    cameraId: cameraIdFor(info.Manufacturer, info.SerialNumber, endpointRef),
    manufacturer: info.Manufacturer,
    model: info.Model,
    firmware: info.FirmwareVersion,
    serial: info.SerialNumber,
    hardwareId: info.HardwareId ?? '',
    endpointRef,
    xaddr,
    host: new URL(xaddr).hostname,
    profiles,
    auth: device.soap.auth === 'unknown' ? 'none' : device.soap.auth,
    media,
    recordingSearch,
    identifiedAt: new Date().toISOString(),
  };
  return { identity, device, searchUrl: services.search };
}

/** The profile whose stream is checked: the highest resolution one (the main stream). */
export function mainProfile(identity: CameraIdentity) {
  return [...identity.media].filter((m) => m.streamUri).sort((a, b) => b.width * b.height - a.width * a.height)[0];
}
