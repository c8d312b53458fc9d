/**
 * `/roll dice`: an ad-hoc roll for the roller's character, for any character (storytellers and
 * admins), or an NPC pool with no character. Secret rolls (staff only) show to the roller alone and,
 * when asked, reach the character's player by DM. "Roll again" repeats a roll for its roller.
 */
import type { APIEmbed } from 'discord.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import type { Actor } from '../identity/resolver.js';
import { checkSettings, loadMadeRoll, makeRoll, rememberRoll, resultMessage, type RollInput, type RollOutcome } from './roll.js';
import { chooseCharacter, isStaff, mayRollFor, rosterOf, type RosterEntry } from './roster.js';
import { splitPool } from './pool.js';

export interface DiceRequest {
  pool: string;
  difficulty: number;
  desperation: number;
  comment: string | null;
  /** Option value: a character id (autocomplete) or name; null = the roller's only character, or none. */
  character: string | null;
  secret: boolean;
  showPlayer: boolean;
}

const namesTraits = (pool: string) => splitPool(pool).some((term) => !/^\d{1,3}$/.test(term));

/** Why a pool of traits has no character to count them from. */
function noCharacter(actor: Actor, played: number): UserError {
  if (played > 1) return new UserError(`You play ${played} characters in **${actor.companyName}**: say which one in the \`character\` option.`);
  if (isStaff(actor)) return new UserError('Traits are counted from a character: name one in the `character` option, or roll an NPC pool as a number of dice (`pool:5`).');
  return new UserError(`You don't play any living character in **${actor.companyName}**, so there are no traits to count. Roll a number of dice instead (\`pool:5\`).`);
}

export async function rollDice(deps: BotDeps, actor: Actor, binding: GuildBinding, request: DiceRequest, interactionId: string, rollerId: string): Promise<ReplyMessage> {
  const settings = checkSettings(request);
  if (request.secret && !isStaff(actor)) {
    throw new UserError('Only storytellers and admins can roll in secret. Roll without `secret`, or ask your storyteller to roll for you.');
  }
  const { character, played } = await chooseCharacter(deps, actor, request.character);
  if (!character && namesTraits(request.pool)) throw noCharacter(actor, played);
  const input: RollInput = { ...settings, pool: request.pool, character, campaignId: character?.campaignId ?? binding.defaultCampaignId };
  const outcome = await makeRoll(deps, actor, input, `${interactionId}:roll`);
  const ephemeral = request.secret || binding.rollVisibility === 'private';
  await rememberRoll(deps, actor, outcome, input, rollerId, ephemeral);
  const message = resultMessage(outcome, { rollerId, ephemeral, buttons: true });
  if (request.secret && request.showPlayer) message.content = await showPlayer(deps, actor, outcome, message, interactionId);
  return message;
}

/** DMs a secret roll to the character's player (once, through the delivery queue); says what became of it. */
async function showPlayer(deps: BotDeps, actor: Actor, outcome: RollOutcome, message: ReplyMessage, interactionId: string): Promise<string> {
  const character = outcome.character;
  if (!character?.playerId) return 'Secret roll. Not shown to a player: this roll has no player character.';
  if (character.playerId === actor.userId) return 'Secret roll. You play this character yourself, so nothing was sent.';
  const player = await deps.valentina.users.get(actor.companyId, character.playerId, {}, { onBehalfOf: actor.userId });
  const discordId = player.discord_profile?.id;
  if (!discordId) return `Secret roll. Not shown to the player of **${character.name}**: they have no Discord account linked.`;
  const embeds = (message.embeds ?? []).map((embed) => ('toJSON' in embed ? embed.toJSON() : embed) as APIEmbed as Record<string, unknown>);
  await deps.deliveries.enqueue(`roll-secret:${interactionId}`, {
    kind: 'dm',
    userId: discordId,
    message: { content: `A storyteller of **${actor.companyName}** rolled in secret for **${character.name}** and shows you the result:`, embeds, allowed_mentions: { parse: [] } },
  });
  return `Secret roll. Also sent to <@${discordId}> by DM.`;
}

/** "Roll again": the same pool, character and settings, as a new roll (only its roller may press it). */
export async function rollAgain(deps: BotDeps, actor: Actor, rollId: string, interactionId: string, rollerId: string): Promise<ReplyMessage> {
  const made = await loadMadeRoll(deps, rollId);
  if (!made) throw new UserError('This roll is too old to roll again. Run `/roll dice` again.');
  if (made.companyId !== actor.companyId) throw new UserError('This roll belongs to another company. Run `/roll dice` here instead.');
  let character: RosterEntry | null = null;
  if (made.characterId) {
    const found = (await rosterOf(deps, actor)).find((c) => c.id === made.characterId);
    if (!found) throw new UserError('The character of this roll is no longer a living character here. Run `/roll dice` with another one.');
    character = mayRollFor(actor, found);
  }
  const input: RollInput = { difficulty: made.difficulty, desperation: made.desperation, comment: made.comment, pool: made.pool, character, campaignId: made.campaignId };
  const outcome = await makeRoll(deps, actor, input, `${interactionId}:roll-again`);
  await rememberRoll(deps, actor, outcome, input, rollerId, made.ephemeral);
  return resultMessage(outcome, { rollerId, ephemeral: made.ephemeral, buttons: true });
}
