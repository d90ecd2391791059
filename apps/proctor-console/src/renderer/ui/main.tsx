import type { ShellBridge } from '@exam/shell/bridge';
import { connectBridge } from '@exam/shell/bridgeClient';
import { render } from 'preact';
import { App } from './App.js';
import { proctorApi } from './proctorApi.js';
import './styles.css';

declare global {
  interface Window {
    /** The shell's bridge, set by the Electron preload; absent in web mode. */
    proctor?: ShellBridge;
  }
}

const api = proctorApi(window.proctor ?? connectBridge(window.location));
render(<App api={api} />, document.getElementById('app')!);
