// Generated from CHANGELOG.md by `npm run whats-new`: do not edit. test/changelog.test.ts checks it is current.

/** The latest released version and its highlights, as `/help` shows them. */
export const WHATS_NEW = {
  version: "0.2.0",
  date: "2026-12-04",
  highlights: [
    "Roll any pool with `/roll dice` (traits with autocomplete, or a number of dice), in secret for storytellers, and ask a player to roll with `/roll request`.",
    "Dice messages show how each die counted; the Willpower reroll follows the rules (once, up to three failed dice).",
    "`/quickroll board`: one button per quickroll, pressed to roll.",
    "The XP ledger: `/xp history` (and CSV export), **Undo** for 15 minutes, `/xp spend` for players.",
    "`/xp session` grants the whole table at once, each member exactly once, even across a restart.",
    "`/setup settings` changes every server setting from Discord; `/status` says whether the bot and Valentina are well.",
    "A deploy guide with Caddy and Redis, a start-up check of the configuration, and `npm run invite-url`."
  ]
} as const;
