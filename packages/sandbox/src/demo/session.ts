/**
 * One person at the sandbox's keyboard: turns what they would type in Discord into simulated
 * interactions as a seeded user, and prints what Discord would show them.
 */
import { z } from 'zod';
import type { InteractionHandle, SimCommandOption, SimComponent, SimMessage, VisibleReply } from '../discord-sim/index.js';
import { formFields, interactiveComponents, renderForm, renderMessage } from './render.js';
import { PEOPLE, type Person, type Sandbox } from './sandbox.js';

export const HELP_TEXT = `Type what you would type in Discord:
  /xp add user:@mara amount:5 reason:"Great scene"   a slash command (options as name:value; @person, #channel)
  /quickroll run quickroll:?                          what autocomplete offers for an option (runs nothing)
  dm Remember the boon we owe Bastien                 a direct message to the bot
  dm /notes list                                      a slash command in your DMs with the bot
  click 1                                             press button 1 of the last message
  select 1 <option>                                   choose an option of menu 1 of the last message
  submit title:"New title"                            fill in and send the form the bot opened (fields left out keep their value)
  show #xp-log                                        the messages in a channel (#general, #approvals, #xp-log)
  as celeste                                          act as another seeded person (${PEOPLE.join(', ')})
  help | quit`;

type OptionValue = string | number | boolean;

/** How long a DM to the bot waits for its answer before the demo goes on. */
const DM_ANSWER_TIMEOUT_MS = 15_000;

/** The callback data of a form (interaction response type 9), as the simulator recorded it. */
const formSchema = z.looseObject({ custom_id: z.string(), title: z.string(), components: z.array(z.custom<SimComponent>((v) => typeof v === 'object' && v !== null)) });

interface OpenForm {
  customId: string;
  fields: Map<string, string>;
  /** The message whose button opened the form, if any. */
  message: SimMessage | undefined;
  guildId: string | undefined;
}

export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  for (const match of line.matchAll(/([\w-]+:)?"([^"]*)"|(\S+)/g)) {
    tokens.push(match[3] ?? `${match[1] ?? ''}${match[2] ?? ''}`);
  }
  return tokens;
}

export class DemoSession {
  person: Person = 'mara';
  private last: SimMessage | undefined;
  private form: OpenForm | undefined;
  /** Whether this line's own answer has buttons or menus: then `click` means those, not a message posted meanwhile. */
  private answered = false;
  private readonly seen = new Set<string>();

  private readonly print: (text: string) => void;

  constructor(
    private readonly sandbox: Sandbox,
    print: (text: string) => void,
  ) {
    const names = new Map<string, string>();
    for (const person of PEOPLE) names.set(sandbox.users[person].id, `@${person}`);
    for (const [name, id] of Object.entries(sandbox.channels)) names.set(id, `#${name}`);
    // Mentions read as names and timestamps as times, the way Discord shows them.
    this.print = (text) =>
      print(
        text
          .replace(/<[@#]!?(\d+)>/g, (raw, id: string) => names.get(id) ?? raw)
          .replace(/<t:(\d+)(?::[tTdDfFR])?>/g, (_raw, seconds: string) => new Date(Number(seconds) * 1_000).toISOString().slice(0, 16).replace('T', ' '))
          // A markdown character escaped with a backslash shows as itself.
          .replace(/\\([_*~`|>\\])/g, '$1'),
      );
    this.markAllSeen();
  }

  private get user() {
    return this.sandbox.users[this.person];
  }

  /** Runs one line; returns false when the person asked to quit. */
  async run(line: string): Promise<boolean> {
    const text = line.trim();
    if (!text || text.startsWith('#')) return true;
    this.answered = false;
    try {
      if (text === 'quit' || text === 'exit') return false;
      if (text === 'help') this.print(HELP_TEXT);
      else if (text.startsWith('as ')) this.switchTo(text.slice(3).trim());
      else if (text.startsWith('/')) await this.slash(text);
      else if (text.startsWith('dm /')) await this.slash(text.slice(3), 'dm');
      else if (text.startsWith('dm ')) await this.dm(text.slice(3));
      else if (text.startsWith('click ')) await this.click(Number(text.slice(6)));
      else if (text.startsWith('select ')) await this.select(text.slice(7));
      else if (text === 'submit' || text.startsWith('submit ')) await this.submit(text.slice(6));
      else if (text.startsWith('show ')) this.show(text.slice(5).trim());
      else this.print(`I don't know "${text}". Type help.`);
    } catch (error) {
      // The simulator refuses what Discord's own client would not send (a value out of bounds, a missing option).
      const message = (error as Error).message;
      this.print(message.startsWith('discord-sim: ') ? `! Discord won't send that: ${message.slice('discord-sim: '.length)}` : `! ${message}`);
    }
    await this.printNewMessages();
    return true;
  }

  private switchTo(name: string): void {
    if (!(PEOPLE as readonly string[]).includes(name)) throw new Error(`No seeded person called ${name}. Try: ${PEOPLE.join(', ')}`);
    this.person = name as Person;
    this.print(`(you are now ${name})`);
  }

  private showReply(reply: VisibleReply): void {
    this.last = reply.message;
    this.answered = reply.message.components.length > 0;
    this.seen.add(reply.message.id);
    this.print(renderMessage({ who: 'Valentina bot:', ...reply }));
  }

  /** Shows the bot's answer: a message, or a form that `submit` then fills in. */
  private async showAnswer(handle: InteractionHandle, message: SimMessage | undefined, guildId: string | undefined): Promise<void> {
    const first = await handle.initialResponse();
    if (first.type !== 9) return this.showReply(await handle.reply());
    const form = formSchema.parse(first.data);
    this.form = { customId: form.custom_id, fields: new Map(formFields(form.components).map((f) => [f.customId, f.value])), message, guildId };
    this.print(`Valentina bot opens a form:\n${renderForm(form).replace(/^/gm, '  ')}\n  (type submit ${[...this.form.fields.keys()].map((k) => `${k}:"…"`).join(' ')} — fields you leave out keep their value)`);
  }

  private async submit(args: string): Promise<void> {
    const form = this.form;
    if (!form) throw new Error('No form is open. Buttons such as Edit open one.');
    const fields = new Map(form.fields);
    for (const token of tokenize(args)) {
      const at = token.indexOf(':');
      const key = token.slice(0, at);
      if (at < 1 || !fields.has(key)) throw new Error(`The form has no field "${key}"; its fields: ${[...fields.keys()].join(', ')}`);
      fields.set(key, token.slice(at + 1));
    }
    this.form = undefined;
    const handle = await this.sandbox.sim.submitModal({ user: this.user, guildId: form.guildId, message: form.message, customId: form.customId, fields: Object.fromEntries(fields) });
    this.showReply(await handle.reply());
  }

  /** A slash command, in the server's #general or (`where` 'dm') in the person's DMs with the bot. */
  private async slash(text: string, where: 'server' | 'dm' = 'server'): Promise<void> {
    const [head, ...rest] = tokenize(text);
    const name = head!.slice(1);
    const { guild, sim } = this.sandbox;
    const guildId = where === 'dm' ? undefined : guild.id;
    const available = sim.commands(guildId ? { guildId } : {});
    const definition = available.find((c) => c.name === name);
    if (!definition) throw new Error(`/${name} is not a command here. Type / and a name: ${available.map((c) => c.name).join(', ')}`);
    let options: SimCommandOption[] = definition.options;
    let subcommandGroup: string | undefined;
    let subcommand: string | undefined;
    while (rest.length > 0 && !rest[0]!.includes(':')) {
      const word = rest.shift()!;
      const sub = options.find((o) => (o.type === 1 || o.type === 2) && o.name === word);
      if (!sub) throw new Error(`/${name} has no "${word}". Choose one of: ${options.filter((o) => o.type <= 2).map((o) => o.name).join(', ')}`);
      if (sub.type === 2) subcommandGroup = word;
      else subcommand = word;
      options = sub.options ?? [];
    }
    const values: Record<string, OptionValue> = {};
    const pending: Array<{ option: SimCommandOption; raw: string }> = [];
    for (const token of rest) {
      const at = token.indexOf(':');
      const key = token.slice(0, at);
      const raw = token.slice(at + 1);
      const option = options.find((o) => o.name === key);
      if (!option) throw new Error(`unknown option "${key}"; this command takes: ${options.map((o) => o.name).join(', ')}`);
      if (option.autocomplete) pending.push({ option, raw });
      else values[key] = this.convert(option, raw);
    }
    for (const { option, raw } of pending) {
      // `option:?` shows what Discord's autocomplete list would offer, and runs nothing.
      const peek = raw === '?';
      values[option.name] = peek ? '' : raw;
      const choices = await sim.autocomplete({ user: this.user, guildId, command: name, subcommandGroup, subcommand, options: values, focused: option.name });
      if (peek) {
        this.print(choices.length ? `Discord offers for ${option.name}:\n${choices.map((c) => `  ${c.name}`).join('\n')}` : `Discord offers nothing for ${option.name} yet.`);
        return;
      }
      const hit = choices.find((c) => String(c.value) === raw) ?? choices.find((c) => c.name.toLowerCase().includes(raw.toLowerCase())) ?? choices[0];
      if (hit) values[option.name] = hit.value;
    }
    const handle = await sim.slashCommand({ user: this.user, guildId, command: name, subcommandGroup, subcommand, options: values });
    await this.showAnswer(handle, undefined, guildId);
  }

  private convert(option: SimCommandOption, raw: string): OptionValue {
    // A word where a number belongs is passed on as typed, so the refusal quotes it.
    if (option.type === 4 || option.type === 10) return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    if (option.type === 5) return raw === 'true' || raw === 'yes';
    if (option.type === 6) {
      const person = raw.replace(/^@/, '') as Person;
      return this.sandbox.users[person]?.id ?? raw;
    }
    if (option.type === 7) return this.sandbox.channels[raw.replace(/^#/, '') as keyof Sandbox['channels']] ?? raw;
    return raw;
  }

  private async dm(text: string): Promise<void> {
    await this.sandbox.sim.sendDM(this.user, text);
    // The bot answers a DM once the person stopped typing (its quiet gap); show that answer, however long it takes
    // (within reason: without one the demo goes on).
    await this.sandbox.sim
      .waitForMessage({ dmUserId: this.user.id, predicate: (m) => !this.seen.has(m.id), timeoutMs: DM_ANSWER_TIMEOUT_MS })
      .catch(() => undefined);
  }

  private async click(n: number): Promise<void> {
    if (!this.last) throw new Error('There is no message with buttons yet.');
    const button = interactiveComponents(this.last).buttons[n - 1];
    if (!button) throw new Error(`The last message has no button ${n}.`);
    if (button.url) {
      await this.openLink(button.url);
      return;
    }
    const handle = await this.sandbox.sim.clickButton({ user: this.user, guildId: this.last.guildId ?? undefined, message: this.last, customId: button.custom_id! });
    await this.showAnswer(handle, this.last, this.last.guildId ?? undefined);
  }

  /** A link button opens a browser; a Discord sign-in is followed as the person, consenting. */
  private async openLink(url: string): Promise<void> {
    this.print(`(opens ${url.split('?')[0]} in a browser)`);
    if (!url.startsWith(new URL(this.sandbox.sim.apiUrl).origin)) return;
    const callback = this.sandbox.sim.oauth.authorize({ userId: this.user.id, url });
    const page = await fetch(callback, { signal: AbortSignal.timeout(10_000) });
    const html = await page.text();
    const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? `HTTP ${page.status}`;
    this.print(`(${this.person} approves the Discord sign-in; the page says: ${heading.replace(/<[^>]+>/g, '').trim()})`);
    // An approval request, if the sign-in created an account, is queued by now: printNewMessages waits for it.
  }

  private async select(args: string): Promise<void> {
    if (!this.last) throw new Error('There is no message with a menu yet.');
    const [index, ...choice] = args.split(' ');
    const menu = interactiveComponents(this.last).selects[Number(index) - 1];
    if (!menu) throw new Error(`The last message has no menu ${index}.`);
    const wanted = choice.join(' ').toLowerCase();
    const option = (menu.options ?? []).find((o) => o.value.toLowerCase() === wanted || o.label.toLowerCase().includes(wanted));
    if (!option) throw new Error(`Menu ${index} has no option "${wanted}".`);
    const handle = await this.sandbox.sim.selectMenu({ user: this.user, guildId: this.last.guildId ?? undefined, message: this.last, customId: menu.custom_id!, values: [option.value] });
    this.showReply(await handle.reply());
  }

  private show(channel: string): void {
    const id = this.sandbox.channels[channel.replace(/^#/, '') as keyof Sandbox['channels']];
    if (!id) throw new Error(`No channel ${channel}; try #general, #approvals or #xp-log.`);
    const messages = this.sandbox.sim.channelMessages(id).filter((m) => !m.deleted && m.interactionId === null);
    if (messages.length === 0) this.print(`(${channel} is empty)`);
    for (const message of messages) {
      this.seen.add(message.id);
      this.last = message.components.length > 0 ? message : this.last;
      this.print(renderMessage({ who: `in ${channel}:`, ...message }));
    }
  }

  private markAllSeen(): void {
    for (const id of Object.values(this.sandbox.channels)) for (const m of this.sandbox.sim.channelMessages(id)) this.seen.add(m.id);
  }

  /** Messages the bot posted on its own (audit log, approval requests, DMs) since the last command. */
  private async printNewMessages(): Promise<void> {
    const { sim, channels } = this.sandbox;
    // Queued deliveries (the XP log, approval requests, DMs) land a moment after the reply: wait until they did.
    await this.sandbox.settled();
    const fresh: Array<{ where: string; message: SimMessage }> = [];
    for (const [name, id] of Object.entries(channels)) {
      for (const message of sim.channelMessages(id)) if (!this.seen.has(message.id) && message.interactionId === null) fresh.push({ where: `#${name}`, message });
    }
    for (const person of PEOPLE) {
      for (const message of sim.dmMessages(this.sandbox.users[person].id)) {
        if (!this.seen.has(message.id) && message.authorId !== this.sandbox.users[person].id) fresh.push({ where: `DM to ${person}`, message });
      }
    }
    for (const { where, message } of fresh) {
      this.seen.add(message.id);
      if (message.components.length > 0 && !this.answered) this.last = message;
      this.print(renderMessage({ who: `Valentina bot (${where}):`, ...message }));
    }
  }
}
