import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ProctorApi } from '../../shared/api.js';
import { type Lang, translator } from '../model/i18n.js';
import { applyPush, EMPTY_MODEL, type RoomModel } from '../model/roomModel.js';
import { Ctx } from './context.js';
import { Dashboard } from './Dashboard.js';
import { SignIn } from './SignIn.js';

export function App({ api }: { api: ProctorApi }) {
  const [model, setModel] = useState<RoomModel>(EMPTY_MODEL);
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('lang') === 'en' ? 'en' : 'zh-CN'));
  useEffect(() => api.subscribe((push) => setModel((m) => applyPush(m, push, performance.now()))), [api]);
  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem('lang', lang);
  }, [lang]);
  const t = useMemo(() => translator(lang), [lang]);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  const signedIn = model.session?.phase === 'signed-in' && model.room !== null;
  return (
    <Ctx.Provider value={{ api, t, lang, setLang, model }}>
      {signedIn ? <Dashboard /> : <SignIn />}
    </Ctx.Provider>
  );
}
