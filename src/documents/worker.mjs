// The document renderer's thread. It runs the TypeScript renderer through tsx, as the main thread does.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
