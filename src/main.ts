/**
 * `npm start`: load the configuration, create the logger and run the app until SIGTERM/SIGINT.
 * A configuration error, a Redis that could lose data (src/redis-durability.ts) or a fatal finding of the
 * start-up check (src/self-check.ts) is printed to stderr, and the process exits 1.
 */
import { createApp, type App } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { loggableError } from './discord/errors.js';
import { createLogger, type Logger } from './logger.js';
import { RedisDurabilityError } from './redis-durability.js';
import { SelfCheckError } from './self-check.js';
import { installProcessHandlers } from './shutdown.js';

let logger: Logger;
let app: App;
try {
  const config = loadConfig();
  logger = createLogger(config.logLevel);
  app = createApp(config, logger);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

installProcessHandlers({ logger, stop: () => app.stop() });
process.on('uncaughtException', (error) => {
  logger.fatal({ err: loggableError(error) }, 'uncaught exception; stopping');
  void app.stop().finally(() => process.exit(1));
});

try {
  await app.start();
} catch (error) {
  // A Redis that could lose data is refused with one line saying what to change, like a bad variable; a failed
  // start-up check with its report (src/self-check.ts).
  if (error instanceof RedisDurabilityError || error instanceof SelfCheckError) process.stderr.write(`${error.message}\n`);
  else logger.fatal({ err: loggableError(error) }, 'start-up failed');
  await app.stop();
  process.exit(1);
}
