/** Parses and checks the big answers off the page's thread (see heavy.ts). */
import { type CheckAnswer, HEAVY, type HeavyKind } from './heavy.ts';

// a dedicated worker's scope (typed by hand: the DOM and WebWorker type libraries do not go together)
const scope = self as unknown as {
  postMessage(a: CheckAnswer): void;
  onmessage: ((e: MessageEvent<{ id: number; kind: HeavyKind; body: ArrayBuffer }>) => void) | null;
};
const utf8 = new TextDecoder();

scope.onmessage = (e) => {
  const { id, kind, body } = e.data;
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    return scope.postMessage({ id, error: 'not JSON' });
  }
  const r = HEAVY[kind].safeParse(json);
  scope.postMessage(
    r.success ? { id, json: JSON.stringify(r.data) } : { id, error: r.error.issues[0]?.message ?? '?' },
  );
};
