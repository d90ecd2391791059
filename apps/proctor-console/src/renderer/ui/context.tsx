import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { CommandArgs, CommandName, CommandResult, HostResult, ProctorApi } from '../../shared/api.js';
import type { Lang, Translate } from '../model/i18n.js';
import type { RoomModel } from '../model/roomModel.js';

export interface ConsoleContext {
  api: ProctorApi;
  t: Translate;
  lang: Lang;
  setLang(lang: Lang): void;
  model: RoomModel;
}

export const Ctx = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('ConsoleContext missing');
  return c;
}

export function run<K extends CommandName>(
  api: ProctorApi,
  name: K,
  args: CommandArgs<K>,
): Promise<HostResult<CommandResult<K>>> {
  return api.invoke(name, args);
}

/** Server time, ticking once a second (remaining time, seconds since sync). */
export function useServerNow(offset: number, intervalMs = 1000): number {
  const [now, setNow] = useState(() => performance.now() + offset);
  useEffect(() => {
    setNow(performance.now() + offset);
    const timer = setInterval(() => setNow(performance.now() + offset), intervalMs);
    return () => clearInterval(timer);
  }, [offset, intervalMs]);
  return now;
}
