import { describe, expect, it } from 'vitest';
import {
  accountMediaSchema,
  callHandlingSchema,
  DEFAULT_ACCOUNT_MEDIA,
  DEFAULT_CALL_HANDLING,
  DEFAULT_PRESENCE_OPTIONS,
  DEFAULT_SETTINGS,
  IDLE_PHONE_STATUS,
  phoneStatusSchema,
  presenceOptionsSchema,
  settingsSchema,
} from '../../../electron/common/contract';

// The defaults are written out without zod (contract-defaults.ts) for the renderer's first screen; the
// schemas fill in the same fields for records saved before a field existed. Both must agree, or a
// fresh install and an upgraded one would behave differently.
describe('the zod-free defaults', () => {
  it('are what each schema makes of an empty record', () => {
    expect(settingsSchema.parse({})).toEqual(DEFAULT_SETTINGS);
    expect(callHandlingSchema.parse({})).toEqual(DEFAULT_CALL_HANDLING);
    expect(presenceOptionsSchema.parse({})).toEqual(DEFAULT_PRESENCE_OPTIONS);
    expect(accountMediaSchema.parse({})).toEqual(DEFAULT_ACCOUNT_MEDIA);
  });

  it('include a valid idle phone status', () => {
    expect(phoneStatusSchema.parse(IDLE_PHONE_STATUS)).toEqual(IDLE_PHONE_STATUS);
  });
});
