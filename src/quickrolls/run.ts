/**
 * Rolling a quickroll with a character: checks what Valentina does not (the quickroll is the actor's,
 * the character is theirs), names missing traits, and keeps what a reroll needs in Redis under the
 * roll's id so the button's custom id stays short.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { matchChoices } from '../cache/cached-json.js';
import { charactersOf, quickrollsOf, traitCatalogue } from './catalogue.js';
import { rollEmbed } from './embed.js';

export const rerollId = defineCustomId('qr.reroll', z.object({ r: z.string().uuid(), o: z.string().regex(/^\d{15,21}$/) }));

const RollParams = z.object({
  companyId: z.string().uuid(),
  quickrollId: z.string().uuid(),
  characterId: z.string().uuid(),
  difficulty: z.number().int().min(1).max(10),
  desperation: z.number().int().min(0).max(5),
  comment: z.string().nullable(),
});
export type RollParams = z.infer<typeof RollParams>;

const paramsKey = (deps: BotDeps, rollId: string) => `${deps.config.redis.prefix}:roll:${rollId}`;

export async function loadRollParams(deps: BotDeps, rollId: string): Promise<RollParams | null> {
  const raw = await deps.redis.get(paramsKey(deps, rollId));
  const parsed = raw ? RollParams.safeParse(JSON.parse(raw)) : null;
  return parsed?.success ? parsed.data : null;
}

/** Finds the actor's quickroll by id (autocomplete) or by name (typed). */
export async function pickQuickroll(deps: BotDeps, actor: Actor, option: string) {
  const mine = await quickrollsOf(deps, actor.companyId, actor.userId);
  const found = mine.find((q) => q.id === option) ?? mine.find((q) => q.name.toLowerCase() === option.toLowerCase()) ?? (matchChoices(mine, option).length === 1 ? matchChoices(mine, option)[0] : undefined);
  if (!found) throw new UserError(`You have no quickroll called "${option.slice(0, 50)}". \`/quickroll list\` shows yours.`);
  return found;
}

async function pickCharacter(deps: BotDeps, actor: Actor, option: string | null) {
  const mine = await charactersOf(deps, actor.companyId, actor.userId);
  if (option) {
    const found = mine.find((c) => c.id === option) ?? mine.find((c) => c.name.toLowerCase().includes(option.toLowerCase()));
    if (!found) throw new UserError(`You don't play a character called "${option.slice(0, 50)}" in **${actor.companyName}**.`);
    return found;
  }
  if (mine.length === 1) return mine[0]!;
  if (mine.length === 0) throw new UserError(`You don't play any living character in **${actor.companyName}** yet.`);
  throw new UserError(`You play ${mine.length} characters: pick one in the \`character\` option.`);
}

export async function rollQuickroll(deps: BotDeps, actor: Actor, params: Omit<RollParams, 'quickrollId' | 'characterId'> & { quickroll: string; character: string | null }, idempotencyKey: string, rollerId: string): Promise<ReplyMessage> {
  const quickroll = await pickQuickroll(deps, actor, params.quickroll);
  const character = await pickCharacter(deps, actor, params.character);
  const [traits, catalogue] = await Promise.all([
    deps.valentina.characters.traits(actor.companyId, character.id, {}, { onBehalfOf: actor.userId }),
    traitCatalogue(deps, actor.companyId),
  ]);
  const byTrait = new Map(traits.map((t) => [t.trait.id, t]));
  const name = (id: string) => byTrait.get(id)?.trait.name ?? catalogue.find((t) => t.id === id)?.name ?? 'an unknown trait';
  const pool = quickroll.traitIds.filter((id) => byTrait.has(id)).map((id) => ({ name: name(id), value: byTrait.get(id)!.value }));
  const missing = quickroll.traitIds.filter((id) => !byTrait.has(id)).map(name);
  if (pool.length === 0) {
    throw new UserError(`**${character.name}** has none of the traits **${quickroll.name}** needs (${missing.join(', ')}), so there is nothing to roll.`);
  }
  const roll = await deps.valentina.dicerolls.rollQuickroll(
    actor.companyId,
    { quickrollId: quickroll.id, characterId: character.id, difficulty: params.difficulty, desperationDice: params.desperation, comment: params.comment },
    { onBehalfOf: actor.userId, idempotencyKey },
  );
  const stored: RollParams = { companyId: actor.companyId, quickrollId: quickroll.id, characterId: character.id, difficulty: params.difficulty, desperation: params.desperation, comment: params.comment };
  await deps.redis.set(paramsKey(deps, roll.id), JSON.stringify(stored), 'EX', 24 * 3600);
  const reroll = new ButtonBuilder().setCustomId(rerollId.encode({ r: roll.id, o: rollerId })).setLabel('Reroll').setEmoji('🎲').setStyle(ButtonStyle.Secondary);
  return {
    embeds: [rollEmbed({ characterName: character.name, quickrollName: quickroll.name, pool, missing, roll, rollerId })],
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(reroll)],
    ephemeral: false,
  };
}
