/** The simulator's settings: the bot's credentials and the clocks of Discord's rules. */
export interface SimConfig {
  botToken: string;
  applicationId: string;
  clientSecret: string;
  heartbeatIntervalMs: number;
  initialResponseDeadlineMs: number;
  interactionTokenTtlMs: number;
  nonceWindowMs: number;
}
