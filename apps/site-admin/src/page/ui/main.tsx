import { render } from 'preact';
import { App } from './App.js';
import { AdminApi } from './adminApi.js';
import './styles.css';

render(<App api={new AdminApi()} />, document.getElementById('app')!);
