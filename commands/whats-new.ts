// Generated from CHANGELOG.md by `npm run whats-new`: do not edit. test/changelog.test.ts checks it is current.

/** The latest released version and its highlights, as `/help` shows them. */
export const WHATS_NEW = {
  version: "0.1.0",
  date: "2026-12-04",
  highlights: [
    "Grant XP and cool points with `/xp` and `/cp`: applied exactly once, with a public record and an XP log.",
    "Link your Discord account to Valentina with `/link`; `/setup connect` binds a server to its company.",
    "Roll your saved dice pools with `/quickroll run`, with a reroll button; manage them with `/quickroll`.",
    "DM the bot and your message becomes a Valentina note, even while Valentina is down.",
    "New players are posted to an approvals channel, where admins approve, deny or merge with one click.",
    "Roll statistics with a chart: `/stats me`, `/stats user`, `/stats company`."
  ]
} as const;
