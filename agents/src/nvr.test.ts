import { describe, expect, it } from 'vitest';
import { isRecorder, matchRecording } from './nvr.ts';

const rec = (token: string, sourceId: string, name = '') => ({
  RecordingToken: token,
  Source: { SourceId: sourceId, Name: name },
  Track: [],
});

describe('matchRecording', () => {
  const cam = { serial: 'SN123', xaddr: 'http://10.0.0.7:80/onvif/device_service', host: '10.0.0.7' };
  it('uses the explicit map first', () => {
    expect(matchRecording([rec('a', 'x'), rec('b', 'y')], cam, { b: 'SN123' })?.RecordingToken).toBe('b');
  });
  it('finds the serial in the source, then the address', () => {
    expect(matchRecording([rec('a', 'x'), rec('b', 'y', 'Entrance SN123')], cam)?.RecordingToken).toBe('b');
    expect(
      matchRecording(
        [rec('a', 'http://10.0.0.8/onvif/device_service'), rec('b', 'http://10.0.0.7/onvif/device_service')],
        cam,
      )?.RecordingToken,
    ).toBe('b');
    expect(matchRecording([rec('a', '10.0.0.7')], cam)?.RecordingToken).toBe('a');
  });
  it('does not guess', () => {
    expect(matchRecording([rec('a', '10.0.0.7'), rec('b', '10.0.0.7')], cam)).toBeUndefined();
    expect(matchRecording([rec('a', 'elsewhere')], cam)).toBeUndefined();
  });
});

describe('isRecorder', () => {
  const camera = {
    scopes: ['onvif://www.onvif.org/type/NetworkVideoTransmitter'],
    types: ['dn:NetworkVideoTransmitter'],
  };
  it('takes a device without media profiles for a recorder', () => {
    expect(isRecorder(camera, { media: [] })).toBe(true);
    expect(isRecorder(camera, { media: [{}] })).toBe(false);
  });
  it('knows a recorder that offers a Media service by its scopes or types', () => {
    for (const scope of ['onvif://www.onvif.org/type/NVR', 'onvif://www.onvif.org/type/Network_Video_Recorder'])
      expect(isRecorder({ scopes: [scope], types: ['tds:Device'] }, { media: [{}] })).toBe(true);
    expect(isRecorder({ scopes: [], types: ['tds:Device', 'tr:NetworkVideoStorage'] }, { media: [{}] })).toBe(true);
    expect(isRecorder({ scopes: ['onvif://www.onvif.org/type/nvrx'], types: [] }, { media: [{}] })).toBe(false);
  });
});
