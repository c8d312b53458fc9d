/**
 * Process lifecycle: SIGTERM/SIGINT stop the app once (a second signal exits at once), with a hard
 * deadline so a stuck close cannot keep the process alive; unhandled rejections are logged rather
 * than crashing the bot.
 */
import { loggableError } from './discord/errors.js';
import type { Logger } from './logger.js';

/** Drain (4 s) + last words (≤ 1.5 s) + closing, under Docker's default 10 s grace before SIGKILL. */
export const SHUTDOWN_DEADLINE_MS = 8_000;

export interface ShutdownOptions {
  logger: Logger;
  stop: () => Promise<void>;
  deadlineMs?: number;
  exit?: (code: number) => void;
  signals?: readonly NodeJS.Signals[];
}

export function installProcessHandlers(options: ShutdownOptions): void {
  const { logger, stop, deadlineMs = SHUTDOWN_DEADLINE_MS, exit = (code) => process.exit(code) } = options;
  let stopping = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
      exit(1);
    }, deadlineMs);
    deadline.unref();
    stop().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        logger.error({ err: loggableError(error) }, 'shutdown failed');
        exit(1);
      },
    );
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
  process.on('unhandledRejection', (reason) => logger.error({ err: loggableError(reason) }, 'unhandled promise rejection'));
}
