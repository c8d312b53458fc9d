/** Binds a custom id route to its handler, so the handler only ever sees a payload that passed the schema. */
import type { z } from 'zod';
import type { CompactShape, CustomIdDefinition } from './custom-id.js';
import type { BotDeps, ComponentInteraction, ComponentReply, ComponentRoute } from './types.js';

export type ComponentHandler<S extends CompactShape> = (
  interaction: ComponentInteraction,
  payload: z.output<z.ZodObject<S>>,
  deps: BotDeps,
) => Promise<ComponentReply>;

export function componentRoute<S extends CompactShape>(customId: CustomIdDefinition<S>, handle: ComponentHandler<S>): ComponentRoute {
  return {
    name: customId.name,
    version: customId.version,
    async run(interaction, raw, deps) {
      const decoded = customId.decode(raw);
      if (!decoded.ok) return decoded.reason;
      return handle(interaction, decoded.value, deps);
    },
  };
}
