import type { Logger } from 'pino';

/** A background loop (job runner, inbox processor, scheduled checks): started once, stopped on shutdown. */
export interface BackgroundTask {
  name: string;
  /** Starts the loop; the returned function stops it and resolves when in-flight work is done. */
  start(): () => Promise<void>;
}

/**
 * Background tasks that route plugins declare while the app is built. `startServer` starts them
 * after `listen` and stops them before the database closes; `buildApp` alone (tests) starts
 * nothing, so tests drive the same code by calling it directly with a controlled clock.
 */
export class BackgroundTasks {
  readonly #tasks: BackgroundTask[] = [];
  readonly #stops: { name: string; stop: () => Promise<void> }[] = [];

  add(task: BackgroundTask): void {
    this.#tasks.push(task);
  }

  get names(): string[] {
    return this.#tasks.map((t) => t.name);
  }

  startAll(logger: Logger): void {
    for (const t of this.#tasks) {
      this.#stops.push({ name: t.name, stop: t.start() });
      logger.debug({ task: t.name }, 'background task started');
    }
  }

  async stopAll(logger: Logger): Promise<void> {
    const stops = this.#stops.splice(0).reverse();
    for (const s of stops) {
      try {
        await s.stop();
      } catch (e) {
        logger.warn({ err: e, task: s.name }, 'background task did not stop cleanly');
      }
    }
  }
}
