import type { ClientAlert } from '@exam/protocol';
import { describe, expect, it } from 'vitest';
import type { ScreenInfo } from '../shared/state.js';
import { type ScreenSource, watchDisplays } from './displays.js';

/** A mock of Electron's `screen` module, which cannot run here (no Electron binary). */
class MockElectronScreen implements ScreenSource {
  displays = [{ size: { width: 1366, height: 768 } }];
  private readonly listeners = new Map<string, (() => void)[]>();
  getPrimaryDisplay() {
    return this.displays[0]!;
  }
  getAllDisplays() {
    return this.displays;
  }
  on(event: string, listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  emit(event: string) {
    for (const l of this.listeners.get(event) ?? []) l();
  }
}

describe('display watch', () => {
  it('reports the screen at start and alerts the proctor when a display is added', () => {
    const screen = new MockElectronScreen();
    const screens: ScreenInfo[] = [];
    const alerts: ClientAlert[] = [];
    watchDisplays(screen, { setScreen: (s) => screens.push(s), queueAlert: (a) => alerts.push(a) });
    expect(screens).toEqual([{ width: 1366, height: 768, displays: 1 }]);
    expect(alerts).toEqual([]);

    screen.displays.push({ size: { width: 1920, height: 1080 } });
    screen.emit('display-added');
    expect(alerts).toEqual([{ kind: 'display-added', detail: '2 displays connected' }]);
    expect(screens.at(-1)).toEqual({ width: 1366, height: 768, displays: 2 });

    screen.displays.pop();
    screen.emit('display-removed');
    expect(alerts).toHaveLength(1);
    expect(screens.at(-1)?.displays).toBe(1);
  });
});
