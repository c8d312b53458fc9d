/** The simulator's settings: the bot's credentials and the clocks of Discord's rules. */
export interface SimConfig {
  botToken: string;
  applicationId: string;
  clientSecret: string;
  heartbeatIntervalMs: number;
  initialResponseDeadlineMs: number;
  interactionTokenTtlMs: number;
  nonceWindowMs: number;
  /** The application's *Server Members Intent* switch in the developer portal (List Guild Members needs it). */
  serverMembersIntent: boolean;
}
