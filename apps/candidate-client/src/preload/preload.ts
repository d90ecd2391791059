import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { BridgePushes, CandidateBridge } from '../shared/bridge.js';
import { callChannel, pushChannel } from '../shared/channels.js';

/**
 * Exposes exactly one object, `window.candidate`, never ipcRenderer itself. Each call is
 * one named channel; main parses the arguments. Bundled to CommonJS with only `electron`
 * left to require, as a sandboxed preload must be.
 */
function subscribe<E extends keyof BridgePushes>(event: E, listener: (p: BridgePushes[E]) => void) {
  const channel = pushChannel(event);
  const wrapped = (_e: IpcRendererEvent, payload: BridgePushes[E]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const candidate: CandidateBridge = {
  getState: () => ipcRenderer.invoke(callChannel('getState')),
  getPaper: () => ipcRenderer.invoke(callChannel('getPaper')),
  getAnswers: () => ipcRenderer.invoke(callChannel('getAnswers')),
  login: (ticketNo, idNumber) => ipcRenderer.invoke(callChannel('login'), ticketNo, idNumber),
  confirmLogin: () => ipcRenderer.invoke(callChannel('confirmLogin')),
  finishTypingTest: () => ipcRenderer.invoke(callChannel('finishTypingTest')),
  setNoticeRead: (read) => ipcRenderer.invoke(callChannel('setNoticeRead'), read),
  enterExam: () => ipcRenderer.invoke(callChannel('enterExam')),
  saveAnswer: (itemId, value, flagged) =>
    ipcRenderer.invoke(callChannel('saveAnswer'), itemId, value, flagged),
  handIn: () => ipcRenderer.invoke(callChannel('handIn')),
  finish: () => ipcRenderer.invoke(callChannel('finish')),
  reportAlert: (kind, detail) => ipcRenderer.invoke(callChannel('reportAlert'), kind, detail),
  acknowledgeNotice: (noticeId) => ipcRenderer.invoke(callChannel('acknowledgeNotice'), noticeId),
  // Main measures the screen itself (Electron's screen module); nothing to send.
  reportScreen: async () => ({ ok: true, value: null }),
  onState: (listener) => subscribe('state', listener),
  onReminder: (listener) => subscribe('reminder', listener),
};

contextBridge.exposeInMainWorld('candidate', candidate);
