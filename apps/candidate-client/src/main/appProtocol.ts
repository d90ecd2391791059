import { registerAppScheme as registerScheme, serveApp } from '@exam/shell/appProtocol';
import { protocol } from 'electron';
import { APP_NAME } from './kioskPolicy.js';

/**
 * The renderer loads from app://candidate/, not file://: a standard, secure origin of its
 * own, so the CSP's 'self' means the app's files and nothing else on the disk. The
 * protocol itself (files, types, CSP) is the shell's, shared with the proctor console.
 */
export function registerAppScheme(): void {
  registerScheme(protocol);
}

export function serveRenderer(rendererDir: string): void {
  serveApp(protocol, APP_NAME, rendererDir);
}
