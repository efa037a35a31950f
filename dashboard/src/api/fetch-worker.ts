/** Fetches, parses and checks the big answers off the page's thread (see heavy.ts). */
import { HEAVY, type HeavyAnswer, type HeavyKind } from './heavy.ts';

// a dedicated worker's scope (typed by hand: the DOM and WebWorker type libraries do not go together)
const scope = self as unknown as {
  postMessage(a: HeavyAnswer): void;
  onmessage: ((e: MessageEvent<{ id: number; kind: HeavyKind; path: string }>) => void) | null;
};

scope.onmessage = async (e) => {
  const { id, kind, path } = e.data;
  try {
    const res = await fetch(`/api/v1${path}`, { credentials: 'same-origin' });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) return scope.postMessage({ id, status: res.status, error: json?.error ?? res.statusText });
    const r = HEAVY[kind].safeParse(json);
    if (!r.success)
      return scope.postMessage({
        id,
        status: 0,
        error: `unexpected answer from ${path}: ${r.error.issues[0]?.message}`,
      });
    scope.postMessage({ id, data: r.data });
  } catch (err) {
    scope.postMessage({ id, status: -1, error: err instanceof Error ? err.message : String(err) });
  }
};
