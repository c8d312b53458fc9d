/**
 * The permissions the bot needs in a server, each with the code that needs it, and the invite URL that
 * asks for exactly them (`npm run invite-url`). Interaction answers need none: these are for the messages
 * the bot posts to channels itself (approval requests, the XP log, quickroll boards, answers delivered after
 * Discord refused an interaction's token) and the ones it reads back.
 */
import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from 'discord.js';

export interface BotPermission {
  /** As the Discord client names it in a role's or channel's settings. */
  name: string;
  flag: bigint;
  why: string;
}

export const BOT_PERMISSIONS: readonly BotPermission[] = [
  { name: 'View Channel', flag: PermissionFlagsBits.ViewChannel, why: 'see the channels it posts to: approvals and XP log (/setup), quickroll boards' },
  { name: 'Send Messages', flag: PermissionFlagsBits.SendMessages, why: 'post approval requests, XP log records, quickroll boards, late answers' },
  { name: 'Embed Links', flag: PermissionFlagsBits.EmbedLinks, why: 'those posts are embeds' },
  { name: 'Attach Files', flag: PermissionFlagsBits.AttachFiles, why: 'the /stats chart is a PNG attachment' },
  { name: 'Read Message History', flag: PermissionFlagsBits.ReadMessageHistory, why: 'read an approval request back to mark it decided' },
];

/** Scopes of the invite: the bot user, and its slash commands. */
export const INVITE_SCOPES = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands] as const;

/** The permissions integer of the invite URL (Discord's `permissions` parameter). */
export function botPermissionsInteger(): string {
  return new PermissionsBitField(BOT_PERMISSIONS.map((p) => p.flag)).bitfield.toString();
}

/** The URL a server manager opens to add the bot to a server with exactly {@link BOT_PERMISSIONS}. */
export function inviteUrl(clientId: string, base = 'https://discord.com'): string {
  const query = new URLSearchParams({ client_id: clientId, scope: INVITE_SCOPES.join(' '), permissions: botPermissionsInteger(), integration_type: '0' });
  return `${base}/oauth2/authorize?${query.toString()}`;
}
