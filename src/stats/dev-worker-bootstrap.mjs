// Starts a TypeScript worker when running from source (tsx, tests): registers tsx's loader in this
// thread, then imports the worker module named in workerData. Compiled builds never use this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
