import type { ClientAlert } from '@exam/protocol';
import type { ScreenInfo } from '../shared/state.js';

/** The part of Electron's `screen` module used here, so the logic runs under Node too. */
export interface ScreenSource {
  getPrimaryDisplay(): { size: { width: number; height: number } };
  getAllDisplays(): unknown[];
  on(event: 'display-added' | 'display-removed' | 'display-metrics-changed', listener: () => void): unknown;
}

export interface DisplaySink {
  setScreen(screen: ScreenInfo): void;
  queueAlert(alert: ClientAlert): void;
}

export function screenInfo(source: ScreenSource): ScreenInfo {
  const { width, height } = source.getPrimaryDisplay().size;
  return { width, height, displays: source.getAllDisplays().length };
}

/**
 * Reports the screen for the machine check now and whenever it changes; a display added
 * mid-sitting (a second monitor for someone else to read) is an alert for the proctor.
 */
export function watchDisplays(source: ScreenSource, sink: DisplaySink): void {
  sink.setScreen(screenInfo(source));
  source.on('display-added', () => {
    const info = screenInfo(source);
    sink.queueAlert({ kind: 'display-added', detail: `${info.displays} displays connected` });
    sink.setScreen(info);
  });
  source.on('display-removed', () => sink.setScreen(screenInfo(source)));
  source.on('display-metrics-changed', () => sink.setScreen(screenInfo(source)));
}
