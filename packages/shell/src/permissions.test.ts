import { describe, expect, it } from 'vitest';
import { lockDownSession, type SessionLike } from './permissions.js';

/** A stand-in for Electron's Session: it keeps the handlers main installs, for the test to call. */
function standInSession() {
  const installed: {
    request?: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
    check?: (c: unknown, p: string) => boolean;
    device?: (details: unknown) => boolean;
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (h) => {
      installed.request = h;
    },
    setPermissionCheckHandler: (h) => {
      installed.check = h;
    },
    setDevicePermissionHandler: (h) => {
      installed.device = h;
    },
  };
  return { session, installed };
}

const PERMISSIONS = [
  'media',
  'geolocation',
  'notifications',
  'clipboard-read',
  'hid',
  'serial',
  'usb',
  'display-capture',
];

describe('the session lock-down of both apps', () => {
  it('refuses every permission request without asking', () => {
    const { session, installed } = standInSession();
    lockDownSession(session);
    const answers: boolean[] = [];
    for (const p of PERMISSIONS) installed.request!(null, p, (g) => answers.push(g));
    expect(answers).toEqual(PERMISSIONS.map(() => false));
  });

  it('answers every permission check "not granted" (Electron answers "granted" without a handler)', () => {
    const { session, installed } = standInSession();
    lockDownSession(session);
    expect(installed.check).toBeTypeOf('function');
    expect(PERMISSIONS.map((p) => installed.check!(null, p))).toEqual(PERMISSIONS.map(() => false));
  });

  it('allows no HID, serial or USB device, even one a page was allowed before', () => {
    const { session, installed } = standInSession();
    lockDownSession(session);
    for (const deviceType of ['hid', 'serial', 'usb']) {
      expect(installed.device!({ deviceType, origin: 'app://candidate', device: { vendorId: 1 } })).toBe(
        false,
      );
    }
  });
});
