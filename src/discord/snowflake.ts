/** A Discord id (a snowflake) as the bot stores and validates it: 15 to 21 decimal digits. */
import { z } from 'zod';

export const snowflake = z.string().regex(/^\d{15,21}$/);
