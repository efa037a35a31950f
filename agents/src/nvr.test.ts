import { describe, expect, it } from 'vitest';
import { matchRecording } from './nvr.ts';

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
