/**
 * What a page of either app may ask the browser for: nothing. Electron-free: main passes its
 * session in, and `SessionLike` is the small part of Electron's Session used here.
 *
 * Electron grants by default what a page asks (camera, microphone, notifications, HID, serial,
 * USB…), and answers "granted" to a page's synchronous checks (`navigator.permissions.query`,
 * a device already allowed), so each of the three handlers is needed: the request handler for
 * prompts, the check handler for the checks, and the device handler for WebHID, WebSerial and
 * WebUSB devices. The kiosk and the console need none of it; a page that got a camera or a USB
 * device could record the room or talk to a device an accomplice plugged in.
 */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
}

/** Every permission request refused without asking, every check and device answered "no". */
export function lockDownSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
