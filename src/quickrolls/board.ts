/**
 * `/quickroll board`: a message with one button per quickroll of a character, each showing its pool
 * ("Hunt · 7 dice"); a press rolls it at the default difficulty, publicly, with the usual dice message.
 * A storyteller's or admin's board lists the player characters at the table instead (table.ts): one
 * menu per character, of its player's quickrolls, rolled by the storyteller.
 *
 * The board's owner rolls with the board's character. Anyone else pressing rolls their OWN quickroll
 * of the same name with the one character they play, or is told why not. The board is edited when a
 * quickroll of its owner changes through the bot (create, edit, delete), and on a press when what it
 * shows is stale (a sheet or a quickroll changed in the web app). Boards are posted through the REST
 * API so their message ids can be kept (`deps.keys.quickrolls.board`, `boardsOf`). A table board
 * follows its owner's quickroll changes only; a player's change shows when a press finds it stale.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, Routes, StringSelectMenuBuilder, type RESTPostAPIChannelMessageResult } from 'discord.js';
import { z } from 'zod';
import { exactChoice } from '../cache/cached-json.js';
import { defineCustomId } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { charactersOf, quickrollsOf, sheetOf, type CharacterSummary, type QuickrollSummary } from './catalogue.js';
import { isStaff, rosterOf } from '../rolls/roster.js';
import { characterById, pickCharacter } from './pick.js';
import { DESPERATION, DIFFICULTY, planPool, rollWith } from './run.js';
import { seatsFor, TABLE_CHARACTERS, type Seat, type TableCampaign } from './table.js';
import { readJson } from '../redis.js';

const uuid = z.string().uuid();
const discordId = z.string().regex(/^\d{15,21}$/);

/** A quickroll button of a board: the quickroll and the character it rolls with. */
export const boardRollId = defineCustomId('qr.board', z.object({ q: uuid, c: uuid }));
/** A character's menu on a table board (its values are quickroll ids). */
export const boardPickId = defineCustomId('qr.board-pick', z.object({ c: uuid }));

/** Boards kept up to date per player; posting another forgets the oldest. */
export const BOARDS_PER_PLAYER = 5;
export { TABLE_CHARACTERS };
const BOARD_TTL_SECONDS = 90 * 24 * 3600;
const BOARD_COLOUR = 0x7a1f2b;

const BoardRecord = z.object({
  companyId: uuid,
  /** The owner's Valentina user id (whose quickrolls the board shows). */
  userId: uuid,
  /** The owner's Discord id. */
  ownerId: discordId,
  channelId: discordId,
  messageId: discordId,
  characterIds: z.array(uuid).min(1).max(TABLE_CHARACTERS),
  /** Whose quickrolls each character offers (by position); absent on older boards: the owner's. */
  playerIds: z.array(uuid).min(1).max(TABLE_CHARACTERS).optional(),
  /** The owner posted it as a storyteller or admin: its characters are read from the company's roster. */
  staff: z.boolean().optional(),
  /** What the message shows, to tell a stale board. */
  shown: z.string(),
});
type BoardRecord = z.infer<typeof BoardRecord>;

interface BoardBody {
  embeds: Array<ReturnType<EmbedBuilder['toJSON']>>;
  components: Array<ReturnType<ActionRowBuilder['toJSON']>>;
  allowed_mentions: { parse: [] };
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const diceLabel = (q: QuickrollSummary, dice: number, rollable: boolean) => `${clip(q.name, 60)} · ${rollable ? `${dice} ${dice === 1 ? 'die' : 'dice'}` : 'no dice'}`;

/** The board message for these seats, as the caches know them now. A table board is one whose quickrolls are not all the owner's. */
async function buildBoard(deps: BotDeps, companyId: string, userId: string, ownerId: string, seats: readonly Seat[]): Promise<BoardBody> {
  const players = [...new Set(seats.map((s) => s.playerId))];
  const lists = new Map(await Promise.all(players.map(async (p) => [p, await quickrollsOf(deps, companyId, p)] as const)));
  const quickrollsAt = (seat: Seat) => lists.get(seat.playerId) ?? [];
  const sheets = await Promise.all(seats.map((s) => sheetOf(deps, companyId, s.character.id, userId).then((r) => r.sheet)));
  const names = seats.map((s) => s.character.name).join(', ') || 'no character';
  const table = seats.some((s) => s.playerId !== userId);
  const lines = table
    ? [`Pick a quickroll to roll it for its character as <@${ownerId}>, at difficulty **${DIFFICULTY.default}**. Each character offers its player's quickrolls.`, 'Anyone else who picks rolls their own quickroll of the same name.']
    : [`Press a quickroll to roll it for <@${ownerId}> at difficulty **${DIFFICULTY.default}**.`, 'Anyone else who presses rolls their own quickroll of the same name.'];
  const rows: Array<ActionRowBuilder<ButtonBuilder> | ActionRowBuilder<StringSelectMenuBuilder>> = [];
  const first = seats[0];
  if (seats.length === 1 && first && quickrollsAt(first).length === 0) {
    lines.push('', table ? `${first.character.name}'s player has no quickrolls yet.` : 'No quickrolls yet: save one with `/quickroll create` and it appears here.');
  } else if (seats.length === 1 && first) {
    const quickrolls = quickrollsAt(first);
    const buttons = quickrolls.slice(0, 25).map((q) => {
      const plan = planPool(q, sheets[0] ?? []);
      const rollable = plan.pool.length > 0;
      return new ButtonBuilder().setCustomId(boardRollId.encode({ q: q.id, c: first.character.id })).setLabel(diceLabel(q, plan.dice, rollable)).setStyle(rollable ? ButtonStyle.Primary : ButtonStyle.Secondary).setDisabled(!rollable);
    });
    for (let i = 0; i < buttons.length; i += 5) rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons.slice(i, i + 5)));
    if (quickrolls.length > 25) lines.push(`${quickrolls.length - 25} more quickrolls don't fit: roll them with \`/quickroll run\`.`);
  } else {
    seats.forEach((seat, i) => {
      const options = quickrollsAt(seat)
        .map((q) => ({ q, plan: planPool(q, sheets[i] ?? []) }))
        .filter(({ plan }) => plan.pool.length > 0)
        .slice(0, 25)
        .map(({ q, plan }) => ({ label: diceLabel(q, plan.dice, true), value: q.id }));
      const menu = new StringSelectMenuBuilder().setCustomId(boardPickId.encode({ c: seat.character.id })).setPlaceholder(clip(`🎲 ${seat.character.name}: pick a quickroll`, 150));
      if (options.length === 0) menu.addOptions({ label: 'Nothing to roll', value: 'none' }).setDisabled(true);
      else menu.addOptions(options);
      rows.push(new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu));
    });
  }
  lines.push('', table ? 'The board follows your `/quickroll create`, `edit` and `delete`; a press redraws it when a player changed theirs.' : 'The board follows `/quickroll create`, `edit` and `delete`.');
  const embed = new EmbedBuilder().setColor(BOARD_COLOUR).setTitle(clip(`🎲 Quickroll board — ${names}`, 256)).setDescription(lines.join('\n'));
  return { embeds: [embed.toJSON()], components: rows.map((row) => row.toJSON()), allowed_mentions: { parse: [] } };
}

const shownOf = (body: BoardBody) => JSON.stringify(body.components);

async function loadBoard(deps: BotDeps, messageId: string): Promise<BoardRecord | null> {
  return readJson(deps.redis, deps.keys.quickrolls.board(messageId), BoardRecord);
}

const saveBoard = (deps: BotDeps, record: BoardRecord) => deps.redis.set(deps.keys.quickrolls.board(record.messageId), JSON.stringify(BoardRecord.parse(record)), 'EX', BOARD_TTL_SECONDS);

async function forgetBoard(deps: BotDeps, record: Pick<BoardRecord, 'companyId' | 'userId' | 'messageId'>): Promise<void> {
  await deps.redis.del(deps.keys.quickrolls.board(record.messageId));
  await deps.redis.zrem(deps.keys.quickrolls.boardsOf(record.companyId, record.userId), record.messageId);
}

/** Posts a board in the channel and remembers it; answers where it is. */
export async function postBoard(deps: BotDeps, actor: Actor, input: { character: string | null; channelId: string; guildId: string; campaign: TableCampaign | null }): Promise<ReplyMessage> {
  const { seats, leftOut, table } = await seatsFor(deps, actor, input.character, input.campaign);
  const body = await buildBoard(deps, actor.companyId, actor.userId, actor.discordUserId, seats);
  let posted: RESTPostAPIChannelMessageResult;
  try {
    posted = (await deps.rest.post(Routes.channelMessages(input.channelId), { body })) as RESTPostAPIChannelMessageResult;
  } catch (error) {
    if (discordStatus(error) === 403) throw new UserError('I can’t post in this channel. Give me **Send Messages** and **Embed Links** here, or run `/quickroll board` in another channel.');
    throw error;
  }
  const record: BoardRecord = { companyId: actor.companyId, userId: actor.userId, ownerId: actor.discordUserId, channelId: input.channelId, messageId: posted.id, characterIds: seats.map((s) => s.character.id), playerIds: seats.map((s) => s.playerId), staff: isStaff(actor), shown: shownOf(body) };
  await saveBoard(deps, record);
  const index = deps.keys.quickrolls.boardsOf(actor.companyId, actor.userId);
  await deps.redis.zadd(index, Date.now(), posted.id);
  await deps.redis.expire(index, BOARD_TTL_SECONDS);
  const dropped = await deps.redis.zrange(index, 0, -(BOARDS_PER_PLAYER + 1));
  for (const messageId of dropped) await forgetBoard(deps, { companyId: actor.companyId, userId: actor.userId, messageId });
  const at = table ? ` It lists the player characters of **${table}**.` : '';
  const more = leftOut > 0 ? ` ${leftOut} more ${leftOut === 1 ? 'character doesn’t' : 'characters don’t'} fit (a board holds ${TABLE_CHARACTERS}): post a board for one with \`/quickroll board character:\`.` : '';
  return { content: `Board posted: https://discord.com/channels/${input.guildId}/${input.channelId}/${posted.id}.${at}${more} It follows your quickroll changes; only your last ${BOARDS_PER_PLAYER} boards are kept up to date.` };
}

const discordStatus = (error: unknown) => (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : undefined);

const playerAt = (record: BoardRecord, index: number) => record.playerIds?.[index] ?? record.userId;

/** A board's characters as they are now: those the owner plays, and for a staff board any of the company's. Gone ones drop out. */
async function seatsOf(deps: BotDeps, record: BoardRecord): Promise<Seat[]> {
  const played = await charactersOf(deps, record.companyId, record.userId);
  let found: Array<CharacterSummary | undefined> = record.characterIds.map((id) => played.find((c) => c.id === id));
  if (record.staff && found.includes(undefined)) {
    const roster = await rosterOf(deps, { companyId: record.companyId, userId: record.userId, role: 'STORYTELLER' });
    found = record.characterIds.map((id, i) => found[i] ?? roster.find((c) => c.id === id));
  }
  return found.flatMap((character, i) => (character ? [{ character, playerId: playerAt(record, i) }] : []));
}

/** Edits the board when what it would show now differs from what it shows; a board gone from Discord is forgotten. */
async function refreshBoard(deps: BotDeps, record: BoardRecord, force = false): Promise<void> {
  const body = await buildBoard(deps, record.companyId, record.userId, record.ownerId, await seatsOf(deps, record));
  const shown = shownOf(body);
  if (!force && shown === record.shown) return;
  try {
    await deps.rest.patch(Routes.channelMessage(record.channelId, record.messageId), { body });
  } catch (error) {
    const status = discordStatus(error);
    if (status === 404 || status === 403) return forgetBoard(deps, record);
    throw error;
  }
  await saveBoard(deps, { ...record, shown });
}

/** Brings every board of a player up to date (after a quickroll of theirs changed through the bot). Never throws. */
export async function refreshBoards(deps: BotDeps, companyId: string, userId: string): Promise<void> {
  try {
    const ids = await deps.redis.zrange(deps.keys.quickrolls.boardsOf(companyId, userId), 0, -1);
    for (const messageId of ids) {
      const record = await loadBoard(deps, messageId);
      if (!record) await deps.redis.zrem(deps.keys.quickrolls.boardsOf(companyId, userId), messageId);
      else await refreshBoard(deps, record);
    }
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not refresh the quickroll boards');
  }
}

export interface BoardPress {
  messageId: string;
  quickrollId: string;
  characterId: string;
  interactionId: string;
  /** A menu keeps showing the pick until the message is edited: the board is redrawn after it. */
  redraw: boolean;
}

/** The character of an owner's press: one they play, or for staff any living character of the company (R1 lets staff roll any). */
async function boardCharacter(deps: BotDeps, actor: Actor, record: BoardRecord, characterId: string): Promise<CharacterSummary> {
  if (!isStaff(actor) || !record.staff) return characterById(deps, actor, characterId);
  const character = (await rosterOf(deps, actor)).find((c) => c.id === characterId);
  if (!character) throw new UserError(`That character is no longer a living character of **${actor.companyName}**. Post a new board with \`/quickroll board\`.`);
  return character;
}

/** A press on a board: the owner rolls with the board's character, anyone else their own quickroll of that name. */
export async function pressBoard(deps: BotDeps, actor: Actor, press: BoardPress): Promise<ReplyMessage> {
  const record = await loadBoard(deps, press.messageId);
  if (!record) throw new UserError('This board is no longer kept up to date. Post a new one with `/quickroll board`.');
  const settings = { difficulty: DIFFICULTY.default, desperation: DESPERATION.default, comment: null };
  const key = `${press.interactionId}:quickroll-board`;
  const index = record.characterIds.indexOf(press.characterId);
  const owners = (await quickrollsOf(deps, record.companyId, playerAt(record, Math.max(index, 0)))).find((q) => q.id === press.quickrollId);
  try {
    if (actor.discordUserId === record.ownerId && actor.companyId === record.companyId && actor.userId === record.userId) {
      if (!owners) throw new UserError('That quickroll no longer exists — it was deleted meanwhile. The board now shows the ones there are.');
      if (index < 0) throw new UserError('That character is not on this board any more.');
      return await rollWith(deps, actor, owners, await boardCharacter(deps, actor, record, press.characterId), settings, key, actor.discordUserId);
    }
    const name = owners?.name;
    const mine = name ? exactChoice(await quickrollsOf(deps, actor.companyId, actor.userId), name) : undefined;
    if (!name || !mine) {
      throw new UserError(`This board is <@${record.ownerId}>'s${name ? `, and you have no quickroll called **${name}**` : ''}. Save one with \`/quickroll create\`, or post your own board with \`/quickroll board\`.`);
    }
    const theirs = await charactersOf(deps, actor.companyId, actor.userId);
    if (theirs.length > 1) {
      throw new UserError(`You play ${theirs.length} characters, so a press can't tell which one rolls **${mine.name}**: use \`/quickroll run\` with \`character:\`, or post your own board with \`/quickroll board\`.`);
    }
    return await rollWith(deps, actor, mine, await pickCharacter(deps, actor, null), settings, key, actor.discordUserId);
  } finally {
    await refreshBoard(deps, record, press.redraw).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not refresh a quickroll board'));
  }
}
