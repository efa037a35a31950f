import { LIVE_INIT, type LiveEndReason, LiveVideoFrame, type LiveViewer } from '@kuzet/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { formatTime } from '../lib/format.ts';

type Phase =
  | { kind: 'connecting' }
  | { kind: 'playing'; expiresAt?: string; transcoded?: boolean }
  | { kind: 'ended'; reason: LiveEndReason | 'lost'; detail?: string };

/**
 * Live, not a recording: the player keeps near the newest picture it holds (seconds behind it). Over LAG_HIGH it
 * plays a little faster until back under LAG_LOW; over LAG_JUMP (a stalled tab, a slow link) it jumps.
 */
const LAG_LOW = 0.25;
const LAG_HIGH = 0.5;
const LAG_JUMP = 2;

/**
 * A camera live, relayed by its school's agent (issue 16): fragmented MP4 over a websocket, played with Media Source
 * Extensions — nothing to install. Every state says what it is: connecting, the time left (extendable), and why it
 * ended (agent offline, camera refused, codec not playable, a limit, time out, not allowed).
 */
export function LivePlayer({ cameraId, onClose }: { cameraId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const socket = useRef<WebSocket>(undefined);
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const [shown, setShown] = useState(false);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt opens a new session
  useEffect(() => {
    const el = video.current!;
    const ws = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/video?camera=${encodeURIComponent(cameraId)}`,
    );
    socket.current = ws;
    ws.binaryType = 'arraybuffer';
    setPhase({ kind: 'connecting' });
    setShown(false);
    el.onloadeddata = () => setShown(true);
    let codec = '';
    let source: MediaSource | undefined;
    let buffer: SourceBuffer | undefined;
    let queue: ArrayBuffer[] = [];
    let ended = false;
    let url = '';
    const end = (reason: LiveEndReason | 'lost', detail?: string) => {
      ended = true;
      setPhase({ kind: 'ended', reason, detail });
    };
    const pump = () => {
      if (!buffer || buffer.updating) return;
      const b = el.buffered;
      if (b.length) {
        const edge = b.end(b.length - 1);
        const lag = edge - el.currentTime;
        // the first pictures, or far behind: straight to the newest; a little behind: a little faster
        if (lag > LAG_JUMP || (el.currentTime === 0 && lag > LAG_HIGH))
          el.currentTime = Math.max(b.start(b.length - 1), edge - LAG_LOW);
        else if (lag > LAG_HIGH) el.playbackRate = 1.25;
        else if (lag < LAG_LOW) el.playbackRate = 1;
        // what was watched is dropped (a live view keeps no recording)
        if (el.currentTime - b.start(0) > 20) return void buffer.remove(b.start(0), el.currentTime - 10);
      }
      const next = queue.shift();
      if (!next) return;
      try {
        buffer.appendBuffer(next);
      } catch {
        end('failed', 'the browser refused the video');
      }
      void el.play().catch(() => undefined);
    };
    const start = () => {
      if (url) URL.revokeObjectURL(url);
      const ms = new MediaSource();
      source = ms;
      buffer = undefined;
      url = URL.createObjectURL(ms);
      el.src = url;
      ms.addEventListener('sourceopen', () => {
        if (source !== ms) return;
        buffer = ms.addSourceBuffer(`video/mp4; codecs="${codec}"`);
        buffer.mode = 'segments';
        buffer.addEventListener('updateend', pump);
        pump();
      });
    };
    ws.onmessage = (e) => {
      if (ended) return;
      if (typeof e.data === 'string') {
        const f = LiveVideoFrame.safeParse(JSON.parse(e.data));
        if (!f.success) return;
        const m = f.data;
        if (m.type === 'starting' || m.type === 'extended')
          setPhase((p) => (p.kind === 'ended' ? p : { ...p, kind: 'playing', expiresAt: m.expiresAt }));
        else if (m.type === 'info') {
          if (!MediaSource.isTypeSupported(`video/mp4; codecs="${m.info.codec}"`)) return end('codec_unplayable');
          codec = m.info.codec;
          setPhase((p) => (p.kind === 'ended' ? p : { ...p, kind: 'playing', transcoded: m.info.transcoded }));
        } else if (m.type === 'restart') {
          source = undefined;
          buffer = undefined;
          queue = [];
        } else if (m.type === 'ended') end(m.reason, m.detail);
        return;
      }
      const bytes = new Uint8Array(e.data as ArrayBuffer);
      const piece = bytes.slice(1).buffer;
      if (bytes[0] === LIVE_INIT) {
        queue = [piece];
        if (!codec) return end('codec_unplayable');
        start();
      } else if (source) {
        queue.push(piece);
        pump();
      }
    };
    ws.onclose = () => {
      if (!ended) end('lost');
    };
    return () => {
      ended = true;
      ws.close();
      el.removeAttribute('src');
      if (url) URL.revokeObjectURL(url);
    };
  }, [cameraId, attempt]);

  const left =
    phase.kind === 'playing' && phase.expiresAt
      ? Math.max(0, Math.round((Date.parse(phase.expiresAt) - now) / 1000))
      : 0;
  return (
    <div className="live-player" data-testid="live-player" data-phase={phase.kind}>
      <div className="live-frame">
        <video ref={video} muted autoPlay playsInline data-testid="live-video" />
        {(phase.kind !== 'playing' || !shown) && (
          <p className={`live-message ${phase.kind === 'ended' ? 'bad' : ''}`} role="status" data-testid="live-message">
            {phase.kind === 'ended' ? t(`video.end.${phase.reason}`) : t('video.connecting')}
            {phase.kind === 'ended' && phase.detail && <span className="small muted"> ({phase.detail})</span>}
          </p>
        )}
      </div>
      <p className="small">
        {phase.kind === 'playing' && (
          <>
            <span data-testid="live-left">
              {t('video.left', { m: Math.floor(left / 60), s: String(left % 60).padStart(2, '0') })}
            </span>
            {phase.transcoded && <span className="muted"> · {t('video.transcoded')}</span>}{' '}
            <button
              type="button"
              className="small-button"
              onClick={() => socket.current?.send(JSON.stringify({ type: 'extend' }))}
            >
              {t('video.extend')}
            </button>{' '}
          </>
        )}
        {phase.kind === 'ended' && (
          <>
            <button type="button" className="small-button" onClick={() => setAttempt((n) => n + 1)}>
              {t('video.again')}
            </button>{' '}
          </>
        )}
        <button type="button" className="small-button" onClick={onClose}>
          {t('video.close')}
        </button>
        <span className="muted"> · {t('video.audited')}</span>
      </p>
    </div>
  );
}

/** "Watch live", then the player; admins also see who is watching the camera. */
export function LiveView({ cameraId, admin }: { cameraId: string; admin: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      {open ? (
        <LivePlayer cameraId={cameraId} onClose={() => setOpen(false)} />
      ) : (
        <button type="button" className="small-button" onClick={() => setOpen(true)} data-testid="watch-live">
          {t('video.watch')}
        </button>
      )}
      {admin && <Watching cameraId={cameraId} />}
    </>
  );
}

/** Who is watching the camera now (admins), refreshed every few seconds. */
function Watching({ cameraId }: { cameraId: string }) {
  const { t, i18n } = useTranslation();
  const [viewers, setViewers] = useState<LiveViewer[]>([]);
  useEffect(() => {
    let stop = false;
    const load = () =>
      api.liveViewers(cameraId).then(
        (v) => !stop && setViewers(v),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [cameraId]);
  return (
    <p className="small" data-testid="live-viewers">
      {viewers.length
        ? t('video.watching', {
            who: viewers
              .map((v) => `${v.username} (${t(`role.${v.role}`)}, ${formatTime(v.since, i18n.language)})`)
              .join(', '),
          })
        : t('video.nobody')}
    </p>
  );
}
