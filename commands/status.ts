/**
 * `/status` — for players: whether the bot, Valentina and the queues behind the commands are working,
 * in plain words, and whether commands are delayed (request budget used up, XP changes queued,
 * messages waiting to be posted). Built from what the bot already tracks for `/readyz` and
 * `/metrics`: Valentina's state from the bot's own requests (src/http/valentina-health.ts; no request
 * is made while that is known), the shared request budget and the queues' depths. Ephemeral.
 */
import type { Queue } from 'bullmq';
import { ApplicationIntegrationType, EmbedBuilder, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { BotDeps, CommandModule } from '../src/discord/types.js';
import type { ValentinaStatus } from '../src/http/valentina-health.js';

/** /status never waits longer than this for one of its figures. */
const FIGURE_TIMEOUT_MS = 1_500;
/** A budget wait under this is not worth mentioning. */
const NOTICEABLE_WAIT_MS = 1_000;

/** Everything /status says, gathered; `null` for a figure that could not be read in time. */
export interface StatusFigures {
  heartbeatMs: number;
  uptimeSeconds: number;
  valentina: ValentinaStatus | null;
  /** How long a command's next Valentina request would wait for the budget. */
  budgetWaitMs: number | null;
  /** Jobs waiting per queue, as players know the work. */
  queued: { xp: number | null; deliveries: number | null; approvals: number | null; notes: number | null };
}

const at = (epochMs: number) => `<t:${Math.floor(epochMs / 1000)}:t>`;

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

export function describeValentina(status: ValentinaStatus | null): { text: string; ok: boolean } {
  if (status === null) return { text: 'no answer to a health check in time — commands that need it may fail', ok: false };
  switch (status.state) {
    case 'normal':
      return { text: 'answering normally', ok: true };
    case 'unknown':
      return { text: 'not asked yet since the bot started', ok: true };
    case 'slow':
      return { text: `slow — answers take about ${(status.averageMs / 1000).toFixed(1)} s`, ok: false };
    case 'degraded':
      return { text: 'answering, but reports a problem with its database or cache', ok: false };
    case 'down':
      return { text: `not answering since ${at(status.since)} — commands that need it fail until it is back`, ok: false };
  }
}

const QUEUES = {
  xp: 'XP and cool point changes waiting to be sent to Valentina',
  deliveries: 'Messages waiting to be posted (XP log, DMs, welcomes)',
  approvals: 'Approval requests waiting to be posted',
  notes: 'Notes from DMs waiting to be saved',
} as const;

export function statusEmbed(figures: StatusFigures): EmbedBuilder {
  const valentina = describeValentina(figures.valentina);
  const heartbeat = figures.heartbeatMs >= 0 ? `Discord heartbeat ${Math.round(figures.heartbeatMs)} ms` : 'Discord heartbeat not measured yet';
  const delays: string[] = [];
  if (figures.budgetWaitMs === null) delays.push('The request budget could not be read (Redis is not answering)');
  else if (figures.budgetWaitMs >= NOTICEABLE_WAIT_MS) {
    delays.push(`Valentina's request budget is used up for now: commands wait about ${duration(figures.budgetWaitMs / 1000)} before they reach it`);
  }
  for (const [queue, what] of Object.entries(QUEUES) as Array<[keyof typeof QUEUES, string]>) {
    const count = figures.queued[queue];
    if (count === null) delays.push(`${what}: could not be counted`);
    else if (count > 0) delays.push(`${what}: ${count}`);
  }
  const healthy = valentina.ok && delays.length === 0;
  return new EmbedBuilder()
    .setColor(healthy ? 0x2e7d32 : 0xc77700)
    .setTitle(healthy ? 'Everything is running normally' : 'Some things are slow or not working')
    .addFields(
      { name: 'Bot', value: `online for ${duration(figures.uptimeSeconds)} · ${heartbeat}` },
      { name: 'Valentina', value: valentina.text },
      { name: 'Delays', value: delays.length === 0 ? 'none — commands go through at once' : delays.map((line) => `• ${line}`).join('\n') },
    );
}

/** `work`, or null when it fails or takes longer than {@link FIGURE_TIMEOUT_MS}. */
async function figure<T>(work: () => Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), FIGURE_TIMEOUT_MS)));
  try {
    return await Promise.race([work().catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function gatherStatus(deps: BotDeps, heartbeatMs: number): Promise<StatusFigures> {
  // Delayed jobs count (retries in backoff, XP changes waiting for budget), not the next run of a job scheduler.
  const waiting = (queue: Pick<Queue, 'getJobCountByTypes' | 'getDelayed'>) =>
    figure(async () => {
      const [ready, delayed] = await Promise.all([queue.getJobCountByTypes('waiting', 'prioritized'), queue.getDelayed(0, 999)]);
      return ready + delayed.filter((job) => !job.repeatJobKey && !job.id?.startsWith('repeat:')).length;
    });
  const [valentina, budgetWaitMs, xp, deliveries, approvals, notes] = await Promise.all([
    figure(() => deps.valentinaHealth.status()),
    figure(() => deps.budget.peek({ priority: 'interactive' })),
    waiting(deps.xpQueue),
    waiting(deps.deliveries.queue),
    waiting(deps.approvals.queue),
    waiting(deps.notesQueue),
  ]);
  return { heartbeatMs, uptimeSeconds: process.uptime(), valentina, budgetWaitMs, queued: { xp, deliveries, approvals, notes } };
}

export const status: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('status')
    .setDescription('Is the bot working? Valentina, delays and queued work, in plain words')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
  visibility: 'ephemeral',

  async execute(interaction, deps) {
    return { embeds: [statusEmbed(await gatherStatus(deps, interaction.client.ws.ping))] };
  },
};
