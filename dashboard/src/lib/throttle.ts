/**
 * `fn` at most once every `ms`: the first call runs it at once, calls within the window run it once at the window's
 * end (the last change is never left unapplied, as a plain "not again within ms" check would leave it). `cancel`
 * drops a pending run (a view that goes away).
 */
export function throttled(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const call = () => {
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
