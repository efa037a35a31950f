import { describe, expect, it } from 'vitest';
import { configSecrets, Redactor, stripUserinfo } from './redact.ts';

const PW = 'Kz9!p@ss w0rd&<x>"';

describe('Redactor', () => {
  it('strips userinfo from URLs of any scheme', () => {
    expect(stripUserinfo('rtsp://admin:secret@10.0.0.5:554/Streaming/101: 401 Unauthorized')).toBe(
      'rtsp://10.0.0.5:554/Streaming/101: 401 Unauthorized',
    );
    expect(stripUserinfo('see http://u@h/x and https://a:b%40c@h2:8443/')).toBe('see http://h/x and https://h2:8443/');
    expect(stripUserinfo('mail me at a@b.kz')).toBe('mail me at a@b.kz');
  });

  it('removes a secret as typed, percent-encoded, XML- and JSON-escaped', () => {
    const r = new Redactor([PW, '']);
    const texts = [
      `ffprobe: rtsp://admin:${encodeURIComponent(PW)}@127.0.0.1/s failed`,
      `fault: wrong password ${PW}`,
      `<Password>${PW.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</Password>`,
      JSON.stringify({ detail: `pw ${PW}` }),
      `encoded ${encodeURIComponent(PW)} here`,
    ];
    for (const t of texts) {
      const out = r.text(t);
      expect(out).not.toContain(PW);
      expect(out).not.toContain(encodeURIComponent(PW));
      expect(out).not.toContain('p@ss');
    }
    expect(r.text('nothing secret')).toBe('nothing secret');
  });

  it('copies only what changed, leaves the original alone and skips binary fields', () => {
    const r = new Redactor([PW]);
    const msg = {
      type: 'health',
      sample: { detail: `rtsp://admin:x@h/ ${PW}`, reasons: ['rtsp_down'], n: 3 },
      other: { a: 'clean' },
      snapshot: { data: `AAAA${PW}` },
    };
    const out = r.deep(msg, new Set(['data']));
    expect(out.sample.detail).toBe('rtsp://h/ ***');
    expect(msg.sample.detail).toContain(PW);
    expect(out.other).toBe(msg.other);
    expect(out.snapshot.data).toBe(msg.snapshot.data);
    const clean = { a: ['x', 'y'], b: 1 };
    expect(r.deep(clean)).toBe(clean);
  });

  it("takes every camera and NVR password from an agent's configuration", () => {
    expect(
      configSecrets({ credentials: [{ password: 'a1' }, { password: 'b2' }], nvrs: [{ password: 'c3' }] }),
    ).toEqual(['a1', 'b2', 'c3']);
  });
});
