import { render } from 'preact';
import { App } from './App.js';
import { installBridge } from './bridge/index.js';
import './styles.css';

const { bridge, web } = installBridge();
if (web) {
  // In Electron the main process measures the screen and watches the window's focus; in a
  // plain browser only the page can, for the machine check and the focus-lost alert.
  void bridge.reportScreen({ width: window.screen.width, height: window.screen.height, displays: 1 });
  window.addEventListener('blur', () => void bridge.reportAlert('focus-lost', 'browser window lost focus'));
}

render(<App bridge={bridge} />, document.getElementById('app')!);
