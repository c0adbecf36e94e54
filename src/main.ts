/**
 * Entry point of `npm start`: starts the service and shuts it down cleanly on
 * SIGTERM or SIGINT.
 */
import { ConfigError } from './config.js';
import { startService, type RunningService } from './server.js';

let service: RunningService;
try {
  service = await startService(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nThe service did not start. Fix the variables above and start it again.\n`);
  } else {
    process.stderr.write(`The service failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) {
    return;
  }
  stopping = true;
  service.app.log.info({ signal }, 'shutting down: draining in-flight requests');
  service.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      service.app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
