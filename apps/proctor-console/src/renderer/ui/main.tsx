import { render } from 'preact';
import type { ProctorApi } from '../../shared/api.js';
import { App } from './App.js';
import { webBridge } from './webBridge.js';
import './styles.css';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    proctor?: ProctorApi;
  }
}

const api = window.proctor ?? webBridge(window.location);
render(<App api={api} />, document.getElementById('app')!);
