/**
 * The Valentina Noir API client: one object, one keep-alive connection pool, one service per
 * resource. See {@link ValentinaClientOptions} for every option and its default.
 */
import { HealthSchema } from './schemas.js';
import { CampaignsService } from './services/campaigns.js';
import { CharactersService, TraitsService } from './services/characters.js';
import { CompaniesService, DevelopersService } from './services/companies.js';
import { DiceRollsService } from './services/dicerolls.js';
import { ExperienceService } from './services/experience.js';
import { IdentityService } from './services/identity.js';
import { NotesService } from './services/notes.js';
import { QuickrollsService } from './services/quickrolls.js';
import { UsersService } from './services/users.js';
import type { RequestOptions, ValentinaClientOptions } from './options.js';
import { Transport } from './transport.js';

export class ValentinaClient {
  private readonly transport: Transport;
  readonly developers: DevelopersService;
  readonly companies: CompaniesService;
  readonly users: UsersService;
  readonly identity: IdentityService;
  readonly experience: ExperienceService;
  readonly quickrolls: QuickrollsService;
  readonly notes: NotesService;
  readonly dicerolls: DiceRollsService;
  readonly campaigns: CampaignsService;
  readonly characters: CharactersService;
  readonly traits: TraitsService;

  constructor(options: ValentinaClientOptions) {
    this.transport = new Transport(options);
    this.developers = new DevelopersService(this.transport);
    this.companies = new CompaniesService(this.transport);
    this.users = new UsersService(this.transport);
    this.identity = new IdentityService(this.transport);
    this.experience = new ExperienceService(this.transport);
    this.quickrolls = new QuickrollsService(this.transport);
    this.notes = new NotesService(this.transport);
    this.dicerolls = new DiceRollsService(this.transport);
    this.campaigns = new CampaignsService(this.transport);
    this.characters = new CharactersService(this.transport);
    this.traits = new TraitsService(this.transport);
  }

  /** H1 `GET /health` (a 500 with the health body is reported as a ValentinaServerError). */
  health(options?: RequestOptions) {
    return this.transport.call({ method: 'GET', template: '/health', schema: HealthSchema, probe: true, options: { timeoutMs: 3_000, ...options } });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
