/**
 * The interaction router: commands by name and components by the route name in their custom id —
 * two Maps built once from the registry. Each interaction runs under a {@link Responder}, so Discord
 * always gets an answer in time; a handler's answer or failure reaches the user through answer.ts
 * (failures as user-facing text, errors.ts); every interaction is logged on one line and counted.
 * In-flight work is tracked so shutdown can stop taking new interactions and wait for the running ones.
 */
import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction, UserContextMenuCommandInteraction } from 'discord.js';
import type { InteractionKind } from '../http/metrics.js';
import { parseCustomIdHeader } from './custom-id.js';
import { answerError, answerOrigin, deliverAnswer, type Finished } from './answer.js';
import { AUTOCOMPLETE_BUDGET_MS, answerAutocomplete } from './autocomplete.js';
import { loggableError } from './errors.js';
import { newInteractionScope, runInInteractionScope, type InteractionScope } from './interaction-scope.js';
import { Responder } from './respond.js';
import { typedCommand } from './typed-command.js';
import type { BotDeps, CommandModule, ComponentInteraction, ComponentRoute, UserMenuCommand } from './types.js';

export const EXPIRED_COMPONENT_MESSAGE = 'This button has expired — run the command again.';
export const UNKNOWN_COMMAND_MESSAGE = 'This command is not available any more. Type `/` to see the current ones.';
export const SHUTTING_DOWN_MESSAGE = 'The bot is restarting. Try again in a few seconds.';
/** The last word to a command cut short by a restart before it sent anything to Valentina. */
export const INTERRUPTED_NOTHING_CHANGED = 'The bot restarted before your command finished, so nothing was changed.';
/** The last word to a command cut short by a restart while a change was on its way to Valentina. */
export const INTERRUPTED_MAY_HAVE_APPLIED =
  'The bot restarted while Valentina was working on your command, so the change may or may not have been applied.';
/** How to check, for commands and buttons that name no better way. */
export const DEFAULT_HOW_TO_CHECK = 'Look before you try again, so it is not done twice.';

export interface RouterOptions {
  commands: readonly CommandModule[];
  deps: BotDeps;
  deferAfterMs?: number | undefined;
  autocompleteBudgetMs?: number;
}

/** A command or component whose handler is running: what shutdown needs to give it a last word. */
interface Running {
  responder: Responder;
  scope: InteractionScope;
  howToCheck: string;
  /** What to do again when nothing was changed: the command as typed, or pressing the button again. */
  again: () => string;
  /** Set when shutdown gave it its last word: whatever the handler does after that is not its outcome. */
  interrupted?: boolean;
}

export class InteractionRouter {
  private readonly commands = new Map<string, CommandModule>();
  /** Member menu commands by name, with the slash command they belong to. */
  private readonly userMenus = new Map<string, { menu: UserMenuCommand; owner: CommandModule }>();
  private readonly components = new Map<string, ComponentRoute>();
  /** The command that owns each component route, for its `howToCheck`. */
  private readonly owners = new Map<string, CommandModule>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly running = new Set<Running>();
  private accepting = true;

  constructor(private readonly options: RouterOptions) {
    for (const command of options.commands) {
      const name = command.data.name;
      if (this.commands.has(name)) throw new Error(`two commands are named /${name}`);
      this.commands.set(name, command);
      for (const menu of command.userMenus ?? []) {
        if (this.userMenus.has(menu.data.name)) throw new Error(`two member menu commands are named ${menu.data.name}`);
        this.userMenus.set(menu.data.name, { menu, owner: command });
      }
      for (const route of command.components ?? []) {
        if (this.components.has(route.name)) throw new Error(`two component routes are named ${route.name}`);
        this.components.set(route.name, route);
        this.owners.set(route.name, command);
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

  /**
   * Gives every command or button still running its last word before the process exits: nothing was
   * changed (do it again), or a change was on its way to Valentina and may have been applied (how to
   * check). Whatever a handler answers afterwards is dropped. Resolves with how many were answered.
   */
  async interruptRunning(): Promise<number> {
    const entries = [...this.running];
    const sent = await Promise.all(
      entries.map((entry) => {
        entry.interrupted = true;
        const content =
          entry.scope.writesSent === 0 ? `${INTERRUPTED_NOTHING_CHANGED} ${entry.again()}` : `${INTERRUPTED_MAY_HAVE_APPLIED} ${entry.howToCheck}`;
        return entry.responder.last({ content, ephemeral: true }).catch((error: unknown) => {
          this.options.deps.logger.warn({ err: loggableError(error) }, 'could not tell a user their command was interrupted');
          return false;
        });
      }),
    );
    return sent.filter(Boolean).length;
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
      } else if (interaction.isUserContextMenuCommand()) {
        name = interaction.commandName;
        finished = await this.runUserMenu(interaction);
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
    const typed = () => typedCommand(interaction.commandName, interaction.options.data);
    const again = () => {
      const text = typed();
      return text ? `Send it again in a few seconds:\n\`\`\`\n${text}\n\`\`\`` : 'Send it again in a few seconds.';
    };
    return this.track(responder, { howToCheck: command.howToCheck ?? DEFAULT_HOW_TO_CHECK, again }, async () => {
      let answer;
      try {
        answer = await command.execute(interaction, this.options.deps);
      } catch (error) {
        return answerError(responder, error, this.options.deps, typed);
      }
      const message = 'modal' in answer ? undefined : answer;
      const isPublic = message !== undefined && (message.ephemeral === undefined ? command.visibility === 'public' : !message.ephemeral);
      const sub = interaction.options.getSubcommand(false);
      const action = `Your \`/${interaction.commandName}${sub ? ` ${sub}` : ''}\``;
      return deliverAnswer(answerOrigin(interaction, action), () => responder.answer(answer), message, isPublic, this.options.deps);
    });
  }

  private async runUserMenu(interaction: UserContextMenuCommandInteraction): Promise<Finished> {
    const found = this.userMenus.get(interaction.commandName);
    const responder = new Responder(interaction, { deferAs: found?.menu.visibility ?? 'ephemeral', deferAfterMs: this.options.deferAfterMs });
    if (!this.accepting || !found) {
      await responder.reply({ content: this.accepting ? UNKNOWN_COMMAND_MESSAGE : SHUTTING_DOWN_MESSAGE, ephemeral: true });
      return { outcome: this.accepting ? 'unknown_command' : 'shutting_down' };
    }
    const again = () => `Run **${interaction.commandName}** from the member's Apps menu again in a few seconds.`;
    return this.track(responder, { howToCheck: found.owner.howToCheck ?? DEFAULT_HOW_TO_CHECK, again }, async () => {
      let answer;
      try {
        answer = await found.menu.execute(interaction, this.options.deps);
      } catch (error) {
        return answerError(responder, error, this.options.deps);
      }
      const isPublic = answer.ephemeral === undefined ? found.menu.visibility === 'public' : !answer.ephemeral;
      const where = answerOrigin(interaction, `Your **${interaction.commandName}**`);
      return deliverAnswer(where, () => responder.answer(answer), answer, isPublic, this.options.deps);
    });
  }

  private async runComponent(interaction: ComponentInteraction): Promise<Finished> {
    const standaloneModal = interaction.isModalSubmit() && !interaction.isFromMessage();
    const responder = new Responder(interaction, {
      deferAs: standaloneModal ? 'ephemeral' : 'update',
      deferAfterMs: this.options.deferAfterMs,
    });
    if (!this.accepting) {
      await responder.reply({ content: SHUTTING_DOWN_MESSAGE, ephemeral: true });
      return { outcome: 'shutting_down' };
    }
    const route = this.components.get(parseCustomIdHeader(interaction.customId)?.name ?? '');
    const howToCheck = (route && this.owners.get(route.name)?.howToCheck) ?? DEFAULT_HOW_TO_CHECK;
    const again = () => (interaction.isModalSubmit() ? 'Open the form and send it again in a few seconds.' : 'Press the button again in a few seconds.');
    return this.track(responder, { howToCheck, again }, async () => {
      let answer;
      try {
        answer = route ? await route.run(interaction, interaction.customId, this.options.deps) : 'unknown';
      } catch (error) {
        return answerError(responder, error, this.options.deps);
      }
      if (typeof answer === 'string') {
        await responder.reply({ content: EXPIRED_COMPONENT_MESSAGE, ephemeral: true });
        return { outcome: 'expired' };
      }
      const message = 'modal' in answer ? undefined : 'reply' in answer ? answer.reply : answer.update;
      const action = interaction.isModalSubmit() ? 'Your form' : 'Your click';
      return deliverAnswer(answerOrigin(interaction, action), () => responder.respond(answer), message, false, this.options.deps);
    });
  }

  private async runAutocomplete(interaction: AutocompleteInteraction): Promise<Finished> {
    const command = this.commands.get(interaction.commandName);
    const autocomplete = command?.autocomplete?.bind(command);
    if (!this.accepting || !autocomplete) {
      await interaction.respond([]);
      return { outcome: this.accepting ? 'unknown_command' : 'shutting_down' };
    }
    return answerAutocomplete(interaction, autocomplete, this.options.deps, this.options.autocompleteBudgetMs ?? AUTOCOMPLETE_BUDGET_MS);
  }

  /**
   * Runs a handler with its deferral clock armed, inside its own scope, known to shutdown while it runs.
   * A Valentina call that must wait (for a budget token, a retry) defers at once.
   */
  private async track(responder: Responder, info: Pick<Running, 'howToCheck' | 'again'>, work: () => Promise<Finished>): Promise<Finished> {
    const entry: Running = { responder, scope: newInteractionScope(() => responder.defer()), ...info };
    this.running.add(entry);
    responder.arm();
    try {
      const finished = await runInInteractionScope(entry.scope, work);
      return entry.interrupted ? { outcome: 'shutting_down' } : finished;
    } finally {
      this.running.delete(entry);
      responder.dispose();
    }
  }

  private record(interaction: Interaction, kind: InteractionKind, name: string, finished: Finished, ms: number): void {
    const { logger, metrics } = this.options.deps;
    // Only registered names become label values, so a forged custom id cannot grow the metric's cardinality.
    const command = this.commands.has(name) || this.components.has(name) || this.userMenus.has(name) ? name : 'unknown';
    metrics.recordInteraction({ command, kind, outcome: finished.outcome, seconds: ms / 1000 });
    const line = {
      command: name.slice(0, 40),
      kind,
      interactionId: interaction.id,
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
