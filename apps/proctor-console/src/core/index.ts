export * from './proctorCore.js';
export * from './replica.js';
export * from './roomState.js';
