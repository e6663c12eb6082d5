// A user's signed-in devices, as the server answers them (both directions validated).
import { z } from 'zod';
import { idSchema } from './schemas.ts';

export const deviceSessionSchema = z.object({
  sessionId: idSchema,
  deviceName: z.string().nullable(),
  signedInAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  /** The device asking. */
  isCurrent: z.boolean(),
});
export type DeviceSession = z.infer<typeof deviceSessionSchema>;

export const deviceListSchema = z.object({ devices: z.array(deviceSessionSchema) });

export const signOutDeviceInput = z.strictObject({ sessionId: idSchema });
