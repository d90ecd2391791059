export * from './proctorCore.js';
export * from './roomState.js';
