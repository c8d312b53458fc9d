/** Renders what Discord would show — messages, embeds, buttons and menus — as readable terminal text. */
import type { SimComponent, SimEmbed, SimMessage } from '../discord-sim/index.js';

const wrap = (text: string, prefix: string) => text.split('\n').map((line) => `${prefix}${line}`).join('\n');

export function renderEmbed(embed: SimEmbed): string {
  const lines: string[] = [];
  if (embed.author?.name) lines.push(embed.author.name);
  if (embed.title) lines.push(`**${embed.title}**`);
  if (embed.description) lines.push(embed.description);
  for (const field of embed.fields ?? []) lines.push(`• ${field.name}: ${field.value.replace(/\n/g, '\n    ')}`);
  if (embed.image?.url) lines.push(`[image: ${embed.image.url.replace('attachment://', '')}]`);
  if (embed.footer?.text) lines.push(`— ${embed.footer.text}`);
  return `┌─\n${wrap(lines.join('\n'), '│ ')}\n└─`;
}

/** Buttons and select menus in order, numbered from 1 as `click N` / `select N` refer to them. */
export function interactiveComponents(message: Pick<SimMessage, 'components'>): { buttons: SimComponent[]; selects: SimComponent[] } {
  const buttons: SimComponent[] = [];
  const selects: SimComponent[] = [];
  for (const row of message.components) {
    for (const component of row.components ?? []) {
      if (component.type === 2) buttons.push(component);
      else if (component.type >= 3 && component.type <= 8) selects.push(component);
    }
  }
  return { buttons, selects };
}

export function renderComponents(message: Pick<SimMessage, 'components'>): string {
  const { buttons, selects } = interactiveComponents(message);
  const lines: string[] = [];
  if (buttons.length > 0) {
    lines.push(
      buttons
        .map((b, i) => `[${i + 1}] ${b.label ?? b.custom_id ?? 'button'}${b.url ? ' (link)' : ''}${b.disabled ? ' (disabled)' : ''}`)
        .join('   '),
    );
  }
  selects.forEach((s, i) => {
    const options = (s.options ?? []).map((o) => `${o.label}${o.default ? '*' : ''}`).join(' | ');
    lines.push(`(menu ${i + 1}) ${typeof s.placeholder === 'string' ? s.placeholder : 'choose'}: ${options}`);
  });
  return lines.join('\n');
}

export interface Rendered {
  who: string;
  ephemeral?: boolean;
  content: string;
  embeds: SimEmbed[];
  components: SimComponent[];
  attachments?: Array<{ filename: string; size: number }>;
}

export function renderMessage(message: Rendered): string {
  const parts = [`${message.who}${message.ephemeral ? '  (only you can see this)' : ''}`];
  if (message.content) parts.push(wrap(message.content, '  '));
  for (const embed of message.embeds) parts.push(wrap(renderEmbed(embed), '  '));
  for (const file of message.attachments ?? []) parts.push(`  📎 ${file.filename} (${Math.round(file.size / 1024)} KB)`);
  const components = renderComponents(message);
  if (components) parts.push(wrap(components, '  '));
  return parts.join('\n');
}

/** A form's text inputs in order (inside action rows or labels), with their labels and prefilled values. */
export function formFields(components: readonly SimComponent[]): Array<{ customId: string; label: string; value: string }> {
  const fields: Array<{ customId: string; label: string; value: string }> = [];
  const visit = (component: SimComponent, label?: string) => {
    if (component.type === 4 && component.custom_id) {
      fields.push({ customId: component.custom_id, label: component.label ?? label ?? component.custom_id, value: typeof component.value === 'string' ? component.value : '' });
    }
    for (const child of component.components ?? []) visit(child);
    if (component.component) visit(component.component, component.label);
  };
  for (const component of components) visit(component);
  return fields;
}

/** A form (modal) as Discord pops it up: its title, any text shown in it, and each field with its value. */
export function renderForm(form: { title: string; components: readonly SimComponent[] }): string {
  const lines = [`**${form.title}**`];
  for (const component of form.components) if (component.type === 10 && typeof component.content === 'string') lines.push(component.content);
  for (const field of formFields(form.components)) lines.push(`${field.customId} (${field.label}): ${field.value || '(empty)'}`);
  return `┌─ form\n${wrap(lines.join('\n'), '│ ')}\n└─`;
}
