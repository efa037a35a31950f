export { SimCamera } from './camera.ts';
export { ClipLibrary, splitAnnexB, toFrames } from './clips.ts';
export * from './config.ts';
export { startControlServer } from './control.ts';
export { type CameraView, Simulator } from './simulator.ts';
