export * from './camera.ts';
export * from './common.ts';
export * from './messages.ts';
export * from './reports.ts';
