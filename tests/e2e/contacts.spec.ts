import { expect, test } from './fixtures';
import { registeredApp } from './scenarios';

test.describe('contacts (web host)', () => {
  test('import a vCard file, dial by name, and see the contact name on the history entry', async ({
    lab,
    openApp,
  }) => {
    const app = await registeredApp(openApp, lab, lab.users.alice);

    await app.button('Contacts').click();
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:张伟 (Desk)',
      `TEL;TYPE=work:${lab.users.legacy.user}`,
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN',
      'END:VCARD',
    ].join('\r\n');
    await app.page
      .getByLabel('Import vCard file')
      .setInputFiles({ name: 'team.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcf, 'utf8') });
    const result = app.page.getByRole('region', { name: 'Contacts' }).getByRole('status');
    await expect(result).toContainText('Imported 1 contacts.');
    await expect(result).toContainText('Line 6:');

    await app.button('Phone').click();
    await app.page.getByLabel('Number or SIP address').fill('张');
    await app.page
      .getByRole('list', { name: 'Matching contacts' })
      .getByRole('button', { name: /张伟/ })
      .click();
    await expect(app.page.getByLabel('Number or SIP address')).toHaveValue(lab.users.legacy.user);
    await app.button('Call').click();
    await expect(app.callState()).toContainText('In call');
    await lab.legacy.waitForEvent('CALL_ESTABLISHED');
    await app.expectAudioFlowing();
    await app.button('Hang up').click();
    await expect(app.callCard()).toHaveCount(0);

    await app.button(/Recent calls/).click();
    await expect(
      app.page
        .getByRole('region', { name: 'Recent calls' })
        .getByRole('listitem')
        .filter({ hasText: 'Outgoing' })
        .first(),
    ).toContainText('张伟 (Desk)');
  });
});
