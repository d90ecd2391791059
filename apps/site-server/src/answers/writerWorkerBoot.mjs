// The answer writer thread's entry. The server runs as TypeScript source under tsx, and a
// worker thread does not inherit the main thread's loader: it registers tsx for itself.
import { register } from 'tsx/esm/api';

register();
await import('./writerWorker.ts');
