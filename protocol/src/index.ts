export * from './alerts.ts';
export * from './api.ts';
export * from './camera.ts';
export * from './common.ts';
export * from './link.ts';
export * from './messages.ts';
export * from './regions.ts';
export * from './reports.ts';
