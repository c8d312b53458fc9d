/**
 * `npm start`: load the configuration, create the logger and run the app until SIGTERM/SIGINT.
 * A configuration error prints its one line to stderr and exits 1.
 */
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { installProcessHandlers } from './shutdown.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const app = createApp(config, logger);
installProcessHandlers({ logger, stop: () => app.stop() });
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception; stopping');
  void app.stop().finally(() => process.exit(1));
});

try {
  await app.start();
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  await app.stop();
  process.exit(1);
}
