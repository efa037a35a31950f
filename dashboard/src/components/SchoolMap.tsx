import type { CentreStatus, SchoolMap as SchoolMapData } from '@kuzet/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type PlacedSchools, projectSchools, restampChanged, stampDots } from '../lib/map.ts';
import { STATUS_META, STATUSES } from '../lib/status.ts';

declare global {
  interface Window {
    /**
     * for the end-to-end tests and the benchmark: where each school is drawn (CSS px in the canvas); when the map got
     * its data (mounted), first drew, and the last draws (start and end, performance.now())
     */
    __kuzetMap?: {
      at(id: string): { x: number; y: number } | undefined;
      mountedAt: number;
      firstDrawnAt?: number;
      draws: { start: number; end: number }[];
    };
  }
}

/** drawn last, on top: the worst status wins where dots overlap */
const DRAW_ORDER: readonly CentreStatus[] = [...STATUSES].reverse();
/** each status's place in that order, from 1 (0: a school without cameras, under everything) */
const RANK = Object.fromEntries(DRAW_ORDER.map((s, k) => [s, k + 1])) as Record<CentreStatus, number>;
const NO_CAMERAS = '#9ca3af';
/** the same as an ABGR word (ImageData) */
const NO_CAMERAS_RGBA = 0xffafa39c;
/** more schools than this: dots stamped into pixels rather than drawn as arcs */
const PIXELS_ABOVE = 1500;

/**
 * Every school of the user's scope as a dot at its registry coordinates, coloured by its worst camera (grey ring:
 * no camera reported yet). Canvas, one path per status: 7,500 schools draw in a few milliseconds; a live change
 * (a new `worst` map) redraws on the next animation frame. Hover names the school, click opens it.
 */
export function SchoolMap({
  data,
  worst,
  height = 420,
  interactive = true,
}: {
  data: SchoolMapData;
  /** each school's worst camera status (schools without cameras absent) */
  worst: Map<string, CentreStatus>;
  height?: number;
  interactive?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ i: number; x: number; y: number }>();
  /** the last full draw in pixels, kept for live changes */
  const pixels = useRef<{ img: ImageData; colours: Uint32Array; placed: PlacedSchools }>(undefined);
  useEffect(() => {
    window.__kuzetMap = { at: () => undefined, mountedAt: performance.now(), draws: [] };
  }, []);
  // the canvas follows its box's width (the panel's)
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ro = new ResizeObserver(() => setWidth(c.clientWidth));
    ro.observe(c);
    setWidth(c.clientWidth);
    return () => ro.disconnect();
  }, []);
  const placed = useMemo(() => (width ? projectSchools(data, width, height) : undefined), [data, width, height]);
  const districtName = useMemo(
    () => new Map(data.districts.map(([id, ru, kk]) => [id, lang === 'kk' ? kk : ru])),
    [data, lang],
  );
  useEffect(() => {
    if (!placed) return;
    /** the draw's bookkeeping: where each school is, when it was drawn (tests and the benchmark read it) */
    const done = (c: HTMLCanvasElement, start: number) => {
      const end = performance.now();
      const m = window.__kuzetMap ?? { at: () => undefined, mountedAt: start, draws: [] };
      m.at = (sid) => {
        const i = placed.index.get(sid);
        return i === undefined ? undefined : { x: placed.x[i]!, y: placed.y[i]! };
      };
      m.firstDrawnAt ??= end;
      m.draws.push({ start, end });
      if (m.draws.length > 2000) m.draws.splice(0, 1000);
      window.__kuzetMap = m;
      c.dataset.drawn = String(end);
    };
    const id = requestAnimationFrame(() => {
      const start = performance.now();
      const c = canvas.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx) return;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(width * dpr);
      const h = Math.round(height * dpr);
      // (setting a canvas's size clears it: only when it changes)
      if (c.width !== w) c.width = w;
      if (c.height !== h) c.height = h;
      if (placed.n > PIXELS_ABOVE) {
        // thousands of schools: stamped into pixels; a live change restamps only the changed dots' squares
        const colours = new Uint32Array(placed.n);
        const ranks = new Uint8Array(placed.n);
        for (let i = 0; i < placed.n; i++) {
          const st = worst.get(data.schools[i]![0]);
          if (!st) continue;
          colours[i] = STATUS_META[st].rgba;
          ranks[i] = RANK[st];
        }
        const last = pixels.current;
        if (last && last.placed === placed && last.img.width === w && last.img.height === h) {
          const buf = new Uint32Array(last.img.data.buffer);
          const box = restampChanged(buf, w, h, placed, dpr, last.colours, colours, ranks, NO_CAMERAS_RGBA);
          last.colours = colours;
          if (box) ctx.putImageData(last.img, 0, 0, box.x, box.y, box.w, box.h);
          return done(c, start);
        }
        const img = ctx.createImageData(w, h);
        stampDots(new Uint32Array(img.data.buffer), w, h, placed, dpr, colours, ranks, NO_CAMERAS_RGBA);
        ctx.putImageData(img, 0, 0);
        pixels.current = { img, colours, placed };
        return done(c, start);
      }
      pixels.current = undefined;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      const r = placed.radius;
      // schools without a camera: rings, under everything
      ctx.beginPath();
      for (let i = 0; i < placed.n; i++) {
        if (worst.has(data.schools[i]![0])) continue;
        ctx.moveTo(placed.x[i]! + r, placed.y[i]!);
        ctx.arc(placed.x[i]!, placed.y[i]!, r, 0, 2 * Math.PI);
      }
      ctx.strokeStyle = NO_CAMERAS;
      ctx.lineWidth = 1;
      ctx.stroke();
      for (const status of DRAW_ORDER) {
        ctx.beginPath();
        for (let i = 0; i < placed.n; i++) {
          if (worst.get(data.schools[i]![0]) !== status) continue;
          ctx.moveTo(placed.x[i]! + r, placed.y[i]!);
          ctx.arc(placed.x[i]!, placed.y[i]!, r, 0, 2 * Math.PI);
        }
        ctx.fillStyle = STATUS_META[status].color;
        ctx.fill();
      }
      done(c, start);
    });
    return () => cancelAnimationFrame(id);
  }, [placed, worst, data, width, height]);

  const nearest = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const b = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - b.left;
    const y = e.clientY - b.top;
    const i = placed?.nearest(x, y, Math.max(6, placed.radius * 2)) ?? -1;
    return { i, x, y };
  };
  const h = hover && hover.i >= 0 ? data.schools[hover.i] : undefined;
  const status = h ? worst.get(h[0]) : undefined;
  return (
    <div className="grid-wrap school-map">
      <canvas
        ref={canvas}
        data-testid="school-map"
        data-schools={data.schools.length}
        style={{ height: `${height}px`, cursor: h && interactive ? 'pointer' : 'default' }}
        role="img"
        aria-label={t('overview.schoolMapHint')}
        onMouseMove={interactive ? (e) => setHover(nearest(e)) : undefined}
        onMouseLeave={() => setHover(undefined)}
        onClick={
          interactive
            ? (e) => {
                const { i } = nearest(e);
                if (i >= 0) navigate(`/schools/${data.schools[i]![0]}`);
              }
            : undefined
        }
      />
      {h && hover && (
        <div className="grid-tip" style={{ left: hover.x + 12, top: hover.y + 12 }} data-testid="map-tip">
          <div>
            <strong>{lang === 'kk' ? h[6] : h[5]}</strong>
          </div>
          <div>{districtName.get(h[4]) ?? h[4]}</div>
          <div>{status ? t(`status.${status}`) : t('overview.noCameras')}</div>
        </div>
      )}
    </div>
  );
}
