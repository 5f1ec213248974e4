// The committee-day clients' thread: runs mix-clients.ts through tsx, as the main thread does.
import { register } from 'tsx/esm/api';

register();
await import('./mix-clients.ts');
