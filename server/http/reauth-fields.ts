import { z } from 'zod';

/** The fields every sensitive change asks for: the password, and the code when 2FA is on. */
export const reauthFields = {
  password: z.string().min(1).max(1024),
  code: z.string().trim().min(1).max(32).optional(),
};
