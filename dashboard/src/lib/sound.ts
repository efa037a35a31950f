/**
 * The critical-alert tone. Browsers only play sound after a user gesture, so it is switched on by a click (the
 * checkbox on the alerts page), which also creates the audio context; the choice is remembered for the tab.
 */
let ctx: AudioContext | undefined;

export function soundOn(): boolean {
  return ctx !== undefined;
}

/** Call from a click handler. */
export function setSound(on: boolean): void {
  if (on && !ctx) ctx = new AudioContext();
  if (!on && ctx) {
    void ctx.close();
    ctx = undefined;
  }
}

export function beep(): void {
  if (!ctx) return;
  const o = ctx.createOscillator();
  const g = ctx.createGain();
  o.frequency.value = 880;
  g.gain.setValueAtTime(0.2, ctx.currentTime);
  g.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.6);
  o.connect(g).connect(ctx.destination);
  o.start();
  o.stop(ctx.currentTime + 0.6);
}
