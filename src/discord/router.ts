/**
 * The interaction router: commands by name and components by the route name in their custom id —
 * two Maps built once from the registry. Each interaction runs under a {@link Responder}, so Discord
 * always gets an answer in time; failures become user-facing text (errors.ts); every interaction is
 * logged on one line and counted. In-flight work is tracked so shutdown can stop taking new
 * interactions and wait for the running ones.
 */
import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { InteractionKind, InteractionOutcome } from '../http/metrics.js';
import { parseCustomIdHeader } from './custom-id.js';
import { describeError, loggableError } from './errors.js';
import { Responder, type UpdateTarget } from './respond.js';
import { typedCommand } from './typed-command.js';
import type { BotDeps, CommandModule, ComponentInteraction, ComponentRoute } from './types.js';

export const EXPIRED_COMPONENT_MESSAGE = 'This button has expired — run the command again.';
export const UNKNOWN_COMMAND_MESSAGE = 'This command is not available any more. Type `/` to see the current ones.';
export const SHUTTING_DOWN_MESSAGE = 'The bot is restarting. Try again in a few seconds.';

/** Autocomplete is never deferred: past this budget the router answers with no choices. */
export const AUTOCOMPLETE_BUDGET_MS = 2_000;

export interface RouterOptions {
  commands: readonly CommandModule[];
  deps: BotDeps;
  deferAfterMs?: number | undefined;
  autocompleteBudgetMs?: number;
}

interface Finished {
  outcome: InteractionOutcome;
  reference?: string;
  error?: unknown;
}

export class InteractionRouter {
  private readonly commands = new Map<string, CommandModule>();
  private readonly components = new Map<string, ComponentRoute>();
  private readonly inFlight = new Set<Promise<void>>();
  private accepting = true;

  constructor(private readonly options: RouterOptions) {
    for (const command of options.commands) {
      const name = command.data.name;
      if (this.commands.has(name)) throw new Error(`two commands are named /${name}`);
      this.commands.set(name, command);
      for (const route of command.components ?? []) {
        if (this.components.has(route.name)) throw new Error(`two component routes are named ${route.name}`);
        this.components.set(route.name, route);
      }
    }
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Entry point for `interactionCreate`; never rejects. */
  handle(interaction: Interaction): Promise<void> {
    const work = this.dispatch(interaction).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return work;
  }

  /** New interactions get a polite "restarting" answer from now on. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Waits until every in-flight interaction is finished, or `timeoutMs`; resolves with how many are left. */
  async drain(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    return this.inFlight.size;
  }

  private async dispatch(interaction: Interaction): Promise<void> {
    const started = performance.now();
    let kind: InteractionKind = 'command';
    let name = 'unknown';
    let finished: Finished;
    try {
      if (interaction.isChatInputCommand()) {
        name = interaction.commandName;
        finished = await this.runCommand(interaction);
      } else if (interaction.isAutocomplete()) {
        kind = 'autocomplete';
        name = interaction.commandName;
        finished = await this.runAutocomplete(interaction);
      } else if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
        kind = interaction.isModalSubmit() ? 'modal' : 'component';
        name = parseCustomIdHeader(interaction.customId)?.name ?? 'unknown';
        finished = await this.runComponent(interaction);
      } else {
        return;
      }
    } catch (error) {
      // Only sending the answer can fail here (an expired token, Discord unreachable).
      finished = { outcome: 'error', error };
    }
    this.record(interaction, kind, name, finished, performance.now() - started);
  }

  private async runCommand(interaction: ChatInputCommandInteraction): Promise<Finished> {
    const command = this.commands.get(interaction.commandName);
    const responder = new Responder(interaction, {
      deferAs: command?.visibility ?? 'ephemeral',
      deferAfterMs: this.options.deferAfterMs,
    });
    if (!this.accepting) {
      await responder.reply({ content: SHUTTING_DOWN_MESSAGE, ephemeral: true });
      return { outcome: 'shutting_down' };
    }
    if (!command) {
      await responder.reply({ content: UNKNOWN_COMMAND_MESSAGE, ephemeral: true });
      return { outcome: 'unknown_command' };
    }
    responder.arm();
    try {
      await responder.answer(await command.execute(interaction, this.options.deps));
      return { outcome: 'ok' };
    } catch (error) {
      return this.answerError(responder, error, () => typedCommand(interaction.commandName, interaction.options.data));
    } finally {
      responder.dispose();
    }
  }

  private async runComponent(interaction: ComponentInteraction): Promise<Finished> {
    const standaloneModal = interaction.isModalSubmit() && !interaction.isFromMessage();
    const responder = new Responder(interaction as UpdateTarget, {
      deferAs: standaloneModal ? 'ephemeral' : 'update',
      deferAfterMs: this.options.deferAfterMs,
    });
    if (!this.accepting) {
      await responder.reply({ content: SHUTTING_DOWN_MESSAGE, ephemeral: true });
      return { outcome: 'shutting_down' };
    }
    const route = this.components.get(parseCustomIdHeader(interaction.customId)?.name ?? '');
    responder.arm();
    try {
      const answer = route ? await route.run(interaction, interaction.customId, this.options.deps) : 'unknown';
      if (typeof answer === 'string') {
        await responder.reply({ content: EXPIRED_COMPONENT_MESSAGE, ephemeral: true });
        return { outcome: 'expired' };
      }
      await responder.respond(answer);
      return { outcome: 'ok' };
    } catch (error) {
      return this.answerError(responder, error);
    } finally {
      responder.dispose();
    }
  }

  private async runAutocomplete(interaction: AutocompleteInteraction): Promise<Finished> {
    const command = this.commands.get(interaction.commandName);
    if (!this.accepting || !command?.autocomplete) {
      await interaction.respond([]);
      return { outcome: this.accepting ? 'unknown_command' : 'shutting_down' };
    }
    let timer: NodeJS.Timeout | undefined;
    const budget = this.options.autocompleteBudgetMs ?? AUTOCOMPLETE_BUDGET_MS;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budget)));
    const result = await Promise.race([
      command.autocomplete(interaction, this.options.deps).then(
        (choices) => ({ choices }),
        (error: unknown) => ({ error }),
      ),
      late,
    ]);
    clearTimeout(timer);
    if (result === 'late') {
      await interaction.respond([]);
      return { outcome: 'late' };
    }
    if ('error' in result) {
      await interaction.respond([]);
      const described = describeError(result.error);
      return { outcome: described.outcome, error: result.error, ...(described.reference ? { reference: described.reference } : {}) };
    }
    await interaction.respond(result.choices.slice(0, 25));
    return { outcome: 'ok' };
  }

  /**
   * Shows what went wrong. When it was not the user's doing (Valentina down, a fault of ours), the
   * command as they typed it follows, so they can send it again without retyping it.
   */
  private async answerError(responder: Responder, error: unknown, typed?: () => string | undefined): Promise<Finished> {
    const described = describeError(error);
    const finished: Finished = { outcome: described.outcome, error };
    if (described.reference) finished.reference = described.reference;
    const again = described.outcome === 'user_error' || described.mayHaveApplied ? undefined : typed?.();
    const content = again ? `${described.message}\nWhat you typed, to send again:\n\`\`\`\n${again}\n\`\`\`` : described.message;
    try {
      await responder.reply({ content, ephemeral: true });
    } catch (replyError) {
      this.options.deps.logger.warn({ err: loggableError(replyError) }, 'could not show an error to the user');
    }
    return finished;
  }

  private record(interaction: Interaction, kind: InteractionKind, name: string, finished: Finished, ms: number): void {
    const { logger, metrics } = this.options.deps;
    // Only registered names become label values, so a forged custom id cannot grow the metric's cardinality.
    const command = this.commands.has(name) || this.components.has(name) ? name : 'unknown';
    metrics.recordInteraction({ command, kind, outcome: finished.outcome, seconds: ms / 1000 });
    const line = {
      command: name.slice(0, 40),
      kind,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? undefined,
      outcome: finished.outcome,
      ms: Math.round(ms),
      ...(finished.reference ? { reference: finished.reference } : {}),
    };
    if (finished.outcome === 'error') logger.error({ ...line, err: loggableError(finished.error) }, 'interaction failed');
    else if (finished.outcome === 'upstream_error') logger.warn({ ...line, err: loggableError(finished.error) }, 'interaction');
    else logger.info(line, 'interaction');
  }
}
