import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type GridModel, gridShape } from '../lib/grid.ts';

/** a camera is never drawn larger than this (a school's handful of cameras stay a small block) */
const MAX_CELL_PX = 24;

/**
 * All cameras as pixels of one canvas (one per camera). Redraws through ImageData at most once per animation
 * frame, whatever the number of changes: `version` changes when the model changed.
 */
export function CameraGridCanvas({ model, version }: { model: GridModel; version: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; k: number } | undefined>();
  const { width: WIDTH, rows } = gridShape(model.size);
  useEffect(() => {
    const id = requestAnimationFrame(() => {
      const ctx = canvas.current?.getContext('2d');
      if (!ctx) return;
      const img = ctx.createImageData(WIDTH, rows);
      const view = new Uint32Array(img.data.buffer);
      view.fill(0xffeeeeee);
      view.set(model.pixels);
      ctx.putImageData(img, 0, 0);
      canvas.current!.dataset.drawn = String(version);
      // for the benchmark: when the grid first showed real data, in ms since the page's navigation started
      canvas.current!.dataset.firstDrawnAt ??= String(Math.round(performance.now()));
    });
    return () => cancelAnimationFrame(id);
  }, [model, version, rows, WIDTH]);

  const indexAt = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * WIDTH);
    const y = Math.floor(((e.clientY - r.top) / r.height) * rows);
    return { k: y * WIDTH + x, x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const cam = hover ? model.cameraAt(hover.k) : undefined;
  return (
    <div className="grid-wrap">
      <canvas
        ref={canvas}
        width={WIDTH}
        height={rows}
        className="camgrid"
        data-testid="camera-grid"
        data-cameras={model.size}
        style={{ aspectRatio: `${WIDTH} / ${rows}`, width: `min(100%, ${WIDTH * MAX_CELL_PX}px)` }}
        role="img"
        aria-label={t('overview.gridHint')}
        onMouseMove={(e) => setHover(indexAt(e))}
        onMouseLeave={() => setHover(undefined)}
        onClick={(e) => {
          const c = model.cameraAt(indexAt(e).k);
          if (c) navigate(c.cameraId ? `/cameras/${c.cameraId}` : `/schools/${c.schoolId}`);
        }}
      />
      {cam && hover && (
        <div className="grid-tip" style={{ left: hover.x + 12, top: hover.y + 12 }}>
          {cam.cameraId && <div>{cam.cameraId}</div>}
          <div>{cam.schoolId}</div>
          <div>{t(`status.${model.statusAt(hover.k)}`)}</div>
        </div>
      )}
    </div>
  );
}
