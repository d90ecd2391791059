import type { CommandName, HostPush, HostResult, ProctorApi } from '../../shared/api.js';

/**
 * Web mode: the same bridge as Electron's preload, over a loopback websocket to the web
 * host. The token comes from the page's fragment, which the host put there.
 */
export function webBridge(location: Location): ProctorApi {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const ws = new WebSocket(`ws://${location.host}/bridge?token=${encodeURIComponent(token)}`);
  const pending = new Map<number, (r: HostResult<unknown>) => void>();
  const listeners = new Set<(p: HostPush) => void>();
  const backlog: HostPush[] = [];
  let nextId = 1;
  const opened = new Promise<void>((resolve) => ws.addEventListener('open', () => resolve()));
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: HostResult<unknown>; push?: HostPush };
    if (msg.push) {
      if (listeners.size === 0) backlog.push(msg.push);
      for (const l of listeners) l(msg.push);
    } else if (msg.id !== undefined && msg.result) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    }
  });
  ws.addEventListener('close', () => {
    for (const resolve of pending.values())
      resolve({ ok: false, error: { code: 'OFFLINE', message: 'The console host closed.' } });
    pending.clear();
  });
  return {
    mode: 'web',
    async invoke(name: CommandName, args: unknown) {
      await opened;
      const id = nextId++;
      const result = new Promise<HostResult<unknown>>((resolve) => pending.set(id, resolve));
      ws.send(JSON.stringify({ id, name, args }));
      return result;
    },
    subscribe(listener) {
      listeners.add(listener);
      for (const p of backlog.splice(0)) listener(p);
      return () => listeners.delete(listener);
    },
  } as ProctorApi;
}
