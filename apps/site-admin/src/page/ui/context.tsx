import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Lang, Translate } from '../i18n/i18n.js';
import type { AdminApi } from './adminApi.js';

/** What every screen needs: the API client and the words of the chosen language. */
export interface PageContext {
  api: AdminApi;
  t: Translate;
  lang: Lang;
}

export const Page = createContext<PageContext | null>(null);

export function usePage(): PageContext {
  const ctx = useContext(Page);
  if (!ctx) throw new Error('usePage outside the page');
  return ctx;
}
