/**
 * `/roll dice`: an ad-hoc roll for the roller's character, for any character (storytellers and
 * admins), or an NPC pool with no character. Secret rolls (staff only) show to the roller alone and,
 * when asked, reach the character's player by DM.
 */
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import type { Actor } from '../identity/resolver.js';
import { checkSettings, makeRoll, resultMessage, rollEmbedOf, type RollInput, type RollOutcome } from './roll.js';
import { chooseCharacter, isStaff } from './roster.js';
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
  const message = await resultMessage(deps, actor, outcome, { rollerId, ephemeral, save: true });
  if (request.secret && request.showPlayer) message.content = await showPlayer(deps, actor, outcome, interactionId, rollerId);
  return message;
}

/** DMs a secret roll to the character's player (once, through the delivery queue); says what became of it. */
async function showPlayer(deps: BotDeps, actor: Actor, outcome: RollOutcome, interactionId: string, rollerId: string): Promise<string> {
  const character = outcome.character;
  if (!character?.playerId) return 'Secret roll. Not shown to a player: this roll has no player character.';
  if (character.playerId === actor.userId) return 'Secret roll. You play this character yourself, so nothing was sent.';
  const player = await deps.valentina.users.get(actor.companyId, character.playerId, {}, { onBehalfOf: actor.userId });
  const discordId = player.discord_profile?.id;
  if (!discordId) return `Secret roll. Not shown to the player of **${character.name}**: they have no Discord account linked.`;
  await deps.deliveries.enqueue(`roll-secret:${interactionId}`, {
    kind: 'dm',
    userId: discordId,
    message: { content: `A storyteller of **${actor.companyName}** rolled in secret for **${character.name}** and shows you the result:`, embeds: [rollEmbedOf(outcome, rollerId)], allowed_mentions: { parse: [] } },
  });
  return `Secret roll. Also sent to <@${discordId}> by DM.`;
}
