/** Payload schemas and the limits Discord enforces on what a bot sends. */
import { z } from 'zod';
import type { SimCommandOption, SimComponent, SimEmbed, Violation } from './model.js';

function isComponent(value: unknown): value is SimComponent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'number') return false;
  if (record.components !== undefined && !(Array.isArray(record.components) && record.components.every(isComponent))) {
    return false;
  }
  return record.component === undefined || isComponent(record.component);
}

export const componentSchema = z.custom<SimComponent>(isComponent, 'Invalid component');

const embedSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
  color: z.number().int().nullish(),
  timestamp: z.string().optional(),
  fields: z.array(z.looseObject({ name: z.string(), value: z.string(), inline: z.boolean().optional() })).optional(),
  footer: z.looseObject({ text: z.string(), icon_url: z.string().optional() }).optional(),
  author: z.looseObject({ name: z.string(), url: z.string().optional(), icon_url: z.string().optional() }).optional(),
  image: z.looseObject({ url: z.string() }).optional(),
  thumbnail: z.looseObject({ url: z.string() }).optional(),
});

export const messagePayloadSchema = z.looseObject({
  content: z.string().nullish(),
  embeds: z.array(embedSchema).nullish(),
  components: z.array(componentSchema).nullish(),
  flags: z.number().int().nullish(),
  nonce: z.union([z.string().max(25), z.number().int()]).nullish(),
  enforce_nonce: z.boolean().nullish(),
  tts: z.boolean().nullish(),
  attachments: z
    .array(z.looseObject({ id: z.union([z.string(), z.number()]), filename: z.string().optional(), description: z.string().nullish() }))
    .nullish(),
  message_reference: z.looseObject({ message_id: z.string().optional() }).nullish(),
});
export type MessagePayload = z.infer<typeof messagePayloadSchema>;

const IS_COMPONENTS_V2 = 1 << 15;

function embedViolations(embeds: SimEmbed[]): Violation[] {
  const out: Violation[] = [];
  if (embeds.length > 10) out.push({ rule: 'embeds-count', detail: `${embeds.length} embeds (max 10)` });
  let total = 0;
  embeds.forEach((embed, i) => {
    const check = (rule: string, text: string | undefined, max: number) => {
      const length = text?.length ?? 0;
      total += length;
      if (length > max) out.push({ rule, detail: `embeds[${i}]: ${length} chars (max ${max})` });
    };
    check('embed-title', embed.title, 256);
    check('embed-description', embed.description, 4096);
    check('embed-footer', embed.footer?.text, 2048);
    check('embed-author', embed.author?.name, 256);
    const fields = embed.fields ?? [];
    if (fields.length > 25) out.push({ rule: 'embed-fields', detail: `embeds[${i}]: ${fields.length} fields (max 25)` });
    for (const field of fields) {
      check('embed-field-name', field.name, 256);
      check('embed-field-value', field.value, 1024);
    }
  });
  if (total > 6000) out.push({ rule: 'embed-total', detail: `embeds total ${total} chars (max 6000)` });
  return out;
}

export function customIdViolations(components: SimComponent[]): Violation[] {
  const out: Violation[] = [];
  const walk = (component: SimComponent) => {
    if (component.custom_id !== undefined && component.custom_id.length > 100) {
      out.push({ rule: 'custom-id-length', detail: `custom_id of ${component.custom_id.length} chars (max 100)` });
    }
    if (component.options && component.options.length > 25) {
      out.push({ rule: 'select-options', detail: `${component.options.length} select options (max 25)` });
    }
    component.components?.forEach(walk);
    if (component.component) walk(component.component);
  };
  components.forEach(walk);
  return out;
}

function componentViolations(components: SimComponent[], flags: number): Violation[] {
  const out = customIdViolations(components);
  if (flags & IS_COMPONENTS_V2) return out;
  if (components.length > 5) out.push({ rule: 'action-rows', detail: `${components.length} action rows (max 5)` });
  components.forEach((row, i) => {
    if (row.type !== 1) {
      out.push({ rule: 'action-rows', detail: `components[${i}] has type ${row.type}, expected an action row` });
      return;
    }
    const buttons = (row.components ?? []).filter((c) => c.type === 2).length;
    if (buttons > 5) out.push({ rule: 'buttons-per-row', detail: `components[${i}]: ${buttons} buttons (max 5)` });
  });
  return out;
}

/** Breaches of Discord's message limits; `requireBody` rejects a message with nothing in it. */
export function messageViolations(payload: MessagePayload, options: { requireBody: boolean; fileCount: number }): Violation[] {
  const out: Violation[] = [];
  const content = payload.content ?? '';
  if (content.length > 2000) out.push({ rule: 'content-length', detail: `content of ${content.length} chars (max 2000)` });
  out.push(...embedViolations((payload.embeds ?? []) as SimEmbed[]));
  out.push(...componentViolations(payload.components ?? [], payload.flags ?? 0));
  const empty =
    content === '' && !payload.embeds?.length && !payload.components?.length && options.fileCount === 0 && !payload.attachments?.length;
  if (options.requireBody && empty) out.push({ rule: 'empty-message', detail: 'message has no content, embeds, components or files' });
  return out;
}

export const autocompleteSchema = z.looseObject({
  choices: z.array(z.looseObject({ name: z.string(), value: z.union([z.string(), z.number()]) })),
});

export function choiceViolations(choices: Array<{ name: string; value: string | number }>): Violation[] {
  const out: Violation[] = [];
  if (choices.length > 25) out.push({ rule: 'autocomplete-choices', detail: `${choices.length} choices (max 25)` });
  choices.forEach((choice, i) => {
    if (choice.name.length < 1 || choice.name.length > 100) {
      out.push({ rule: 'autocomplete-choice-name', detail: `choices[${i}].name has ${choice.name.length} chars (1-100)` });
    }
    if (typeof choice.value === 'string' && choice.value.length > 100) {
      out.push({ rule: 'autocomplete-choice-value', detail: `choices[${i}].value has ${choice.value.length} chars (max 100)` });
    }
  });
  return out;
}

export const modalSchema = z.looseObject({
  custom_id: z.string(),
  title: z.string(),
  components: z.array(componentSchema),
});

export function modalViolations(modal: z.infer<typeof modalSchema>): Violation[] {
  const out = customIdViolations(modal.components);
  if (modal.custom_id.length > 100) out.push({ rule: 'custom-id-length', detail: `modal custom_id of ${modal.custom_id.length} chars` });
  if (modal.title.length > 45) out.push({ rule: 'modal-title', detail: `modal title of ${modal.title.length} chars (max 45)` });
  if (modal.components.length < 1 || modal.components.length > 5) {
    out.push({ rule: 'modal-components', detail: `${modal.components.length} modal components (1-5)` });
  }
  return out;
}

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export const commandOptionSchema: z.ZodType<SimCommandOption> = z.looseObject({
  type: z.number().int().min(1).max(11),
  name: z.string(),
  description: z.string(),
  required: z.boolean().optional(),
  autocomplete: z.boolean().optional(),
  choices: z.array(z.looseObject({ name: z.string(), value: z.union([z.string(), z.number()]) })).optional(),
  get options() {
    return z.array(commandOptionSchema).optional();
  },
});

export const commandSchema = z.looseObject({
  name: z.string(),
  description: z.string().optional(),
  type: z.number().int().min(1).max(4).optional(),
  options: z.array(commandOptionSchema).optional(),
  default_member_permissions: z.string().nullish(),
});
export type CommandPayload = z.infer<typeof commandSchema>;

function optionViolations(where: string, options: SimCommandOption[], depth: number): Violation[] {
  const out: Violation[] = [];
  if (options.length > 25) out.push({ rule: 'command-definition', detail: `${where}: ${options.length} options (max 25)` });
  let sawOptional = false;
  const names = new Set<string>();
  for (const option of options) {
    const at = `${where}.${option.name}`;
    if (!NAME.test(option.name) || option.name !== option.name.toLowerCase()) {
      out.push({ rule: 'command-definition', detail: `${at}: invalid option name` });
    }
    if (names.has(option.name)) out.push({ rule: 'command-definition', detail: `${at}: duplicate option name` });
    names.add(option.name);
    if (option.description.length < 1 || option.description.length > 100) {
      out.push({ rule: 'command-definition', detail: `${at}: description must be 1-100 chars` });
    }
    const isGroup = option.type === 1 || option.type === 2;
    if (isGroup && (depth > 1 || (option.type === 2 && depth > 0))) {
      out.push({ rule: 'command-definition', detail: `${at}: subcommands nested too deep` });
    }
    if (!isGroup) {
      if (option.required) {
        if (sawOptional) out.push({ rule: 'command-definition', detail: `${at}: required option after an optional one` });
      } else sawOptional = true;
    }
    if (option.choices && option.choices.length > 25) out.push({ rule: 'command-definition', detail: `${at}: more than 25 choices` });
    if (option.choices?.length && option.autocomplete) {
      out.push({ rule: 'command-definition', detail: `${at}: choices and autocomplete are exclusive` });
    }
    for (const choice of option.choices ?? []) {
      if (choice.name.length < 1 || choice.name.length > 100) out.push({ rule: 'command-definition', detail: `${at}: choice name 1-100 chars` });
    }
    if (option.options) out.push(...optionViolations(at, option.options, depth + 1));
  }
  return out;
}

/** Rough version of Discord's checks on a command registration. */
export function commandViolations(command: CommandPayload): Violation[] {
  const out: Violation[] = [];
  const type = command.type ?? 1;
  if (type === 1) {
    if (!NAME.test(command.name) || command.name !== command.name.toLowerCase()) {
      out.push({ rule: 'command-definition', detail: `${command.name}: invalid command name` });
    }
    const description = command.description ?? '';
    if (description.length < 1 || description.length > 100) {
      out.push({ rule: 'command-definition', detail: `${command.name}: description must be 1-100 chars` });
    }
    out.push(...optionViolations(command.name, command.options ?? [], 0));
  } else if (command.name.length < 1 || command.name.length > 32) {
    out.push({ rule: 'command-definition', detail: `${command.name}: name must be 1-32 chars` });
  }
  return out;
}
