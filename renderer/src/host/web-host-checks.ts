import { accountIdSchema, accountInputSchema, trustedCertificateSchema } from '@common/contract';
import type { z } from 'zod';

/**
 * What the browser host checks with zod, like Electron main does: stored records and what the page
 * hands it. Loaded apart from the host (`web-host.ts`), since a first start has nothing stored to
 * check and zod was a tenth of the first screen's JavaScript.
 */
export const storedAccountSchema = accountInputSchema
  .omit({ password: true, turnCredentials: true })
  // The pin is set only by certificates.trust (a certificate the local gateway refused), never by the form.
  .extend({ id: accountIdSchema, trustedCertificate: trustedCertificateSchema.optional() });
export type StoredAccount = z.infer<typeof storedAccountSchema>;

export {
  accountConnectionProblem,
  accountIdSchema,
  accountInputSchema,
  applySettingsPatch,
  logEntrySchema,
  messageNoticeSchema,
  phoneStatusSchema,
  recordingSchema,
  settingsSchema,
} from '@common/contract';
