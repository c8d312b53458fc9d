/**
 * `npm start`: load the configuration, create the logger and run the app until SIGTERM/SIGINT.
 * A configuration error, a Redis that could lose data (src/redis-durability.ts) or a fatal finding of the
 * start-up check (src/self-check.ts) is printed to stderr, and the process exits 1.
 */
import type { App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/** A configuration error is one line on stderr and exit code 1; anything else is thrown on. */
function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  exitOnConfigError(error);
}

// The rest of the bot (about a second of CPU to load) once the environment is known to be usable: a configuration
// error is reported at once.
const [{ createApp }, { loggableError }, { createLogger }, { RedisDurabilityError }, { SelfCheckError }, { installProcessHandlers }] = await Promise.all([
  import('./app.js'),
  import('./discord/errors.js'),
  import('./logger.js'),
  import('./redis-durability.js'),
  import('./self-check.js'),
  import('./shutdown.js'),
]);

const logger = createLogger(config.logLevel);
let app: App;
try {
  app = createApp(config, logger);
} catch (error) {
  // A rule across variables (SHARD_IDS needs SHARD_COUNT) is checked where they are used.
  exitOnConfigError(error);
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
