import { describe, expect, it } from 'vitest';
import {
  lineState,
  mergeDialogs,
  parseDialogInfo,
  ringingDialog,
} from '../../../renderer/src/presence/dialog-info';
import { parseMessageSummary } from '../../../renderer/src/presence/message-summary';
import { buildPidf, parsePidf } from '../../../renderer/src/presence/pidf';
import { PresenceParseError } from '../../../renderer/src/presence/xml-document';

/** As Kamailio's pua_dialoginfo publishes a call ringing at 1002 (and presence_dialoginfo relays it). */
const KAMAILIO_EARLY = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:1002@127.0.0.1">
  <dialog id="eafa5ec3c4b804ce" call-id="eafa5ec3c4b804ce" local-tag="bobtag" remote-tag="callertag" direction="recipient">
    <state>early</state>
    <remote>
      <identity display="Legacy Desk">sip:1010@127.0.0.1</identity>
      <target uri="sip:1010@127.0.0.1:43437"/>
    </remote>
    <local>
      <identity>sip:1002@127.0.0.1</identity>
      <target uri="sip:1002@127.0.0.1"/>
    </local>
  </dialog>
</dialog-info>`;

/** Asterisk (res_pjsip_dialog_info_body_generator) for an idle extension: one terminated dialog. */
const ASTERISK_IDLE = `<?xml version="1.0" encoding="UTF-8"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="4" state="full" entity="sip:6001@192.0.2.10">
 <dialog id="6001">
  <state>terminated</state>
 </dialog>
</dialog-info>`;

/** Asterisk in a call, with its sa-dialog-info extension namespace and rendering params. */
const ASTERISK_IN_USE = `<?xml version="1.0" encoding="UTF-8"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" xmlns:sa="urn:ietf:params:xml:ns:sa-dialog-info" version="5" state="full" entity="sip:6001@192.0.2.10">
 <dialog id="6001" call-id="a84b4c76e66710" local-tag="1928301774" remote-tag="456887766" direction="recipient">
  <sa:exten>6001</sa:exten>
  <state>confirmed</state>
  <local>
   <identity>sip:6001@192.0.2.10</identity>
   <target uri="sip:6001@192.0.2.10"><param pname="+sip.rendering" pvalue="yes"/></target>
  </local>
 </dialog>
</dialog-info>`;

/** FreeSWITCH (mod_sofia) ringing, including its "**" pickup target on the remote side. */
const FREESWITCH_RINGING = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="7" state="full" entity="sip:1000@198.51.100.7">
<dialog id="0b5c5f2e-6c1a-4d1e-9e57-1d4a4f1b2c3d" direction="recipient">
<state>early</state>
<local>
<identity display="1000">sip:1000@198.51.100.7</identity>
<target uri="sip:1000@198.51.100.7">
<param pname="+sip.rendering" pvalue="yes"/>
</target>
</local>
<remote>
<identity display="Caller">sip:2000@198.51.100.7</identity>
<target uri="sip:**1000@198.51.100.7"/>
</remote>
</dialog>
</dialog-info>`;

describe('parseDialogInfo (RFC 4235)', () => {
  it("reads Kamailio's ringing dialog with Call-ID, tags and the caller for a pickup", () => {
    const document = parseDialogInfo(KAMAILIO_EARLY);
    expect(document).toMatchObject({ version: 1, fullState: true, entity: 'sip:1002@127.0.0.1' });
    expect(lineState(document.dialogs)).toBe('ringing');
    expect(ringingDialog(document.dialogs)).toEqual({
      id: 'eafa5ec3c4b804ce',
      state: 'early',
      direction: 'recipient',
      callId: 'eafa5ec3c4b804ce',
      localTag: 'bobtag',
      remoteTag: 'callertag',
      local: { identity: 'sip:1002@127.0.0.1', target: 'sip:1002@127.0.0.1' },
      remote: {
        identity: 'sip:1010@127.0.0.1',
        displayName: 'Legacy Desk',
        target: 'sip:1010@127.0.0.1:43437',
      },
    });
  });

  it("reads Asterisk's idle and in-use documents, skipping its extension elements", () => {
    const idle = parseDialogInfo(ASTERISK_IDLE);
    expect(mergeDialogs([], idle)).toEqual([]);
    expect(lineState(mergeDialogs([], idle))).toBe('idle');
    const inUse = parseDialogInfo(ASTERISK_IN_USE);
    expect(lineState(inUse.dialogs)).toBe('in-call');
    expect(inUse.dialogs[0]).toMatchObject({ callId: 'a84b4c76e66710', localTag: '1928301774' });
  });

  it("reads FreeSWITCH's ringing document without Call-ID or tags (no pickup data)", () => {
    const document = parseDialogInfo(FREESWITCH_RINGING);
    expect(lineState(document.dialogs)).toBe('ringing');
    expect(ringingDialog(document.dialogs)?.callId).toBeUndefined();
    expect(ringingDialog(document.dialogs)?.remote?.displayName).toBe('Caller');
  });

  it('finds elements under any namespace prefix', () => {
    const prefixed = KAMAILIO_EARLY.replace(
      /<(\/?)(dialog-info|dialog|state|remote|local|identity|target)\b/g,
      '<$1di:$2',
    ).replace('xmlns="urn:ietf:params:xml:ns:dialog-info"', 'xmlns:di="urn:ietf:params:xml:ns:dialog-info"');
    expect(lineState(parseDialogInfo(prefixed).dialogs)).toBe('ringing');
  });

  it('merges partial documents by dialog id and drops terminated dialogs', () => {
    const first = parseDialogInfo(KAMAILIO_EARLY);
    let dialogs = mergeDialogs([], first);
    const second = parseDialogInfo(
      `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="2" state="partial" entity="sip:1002@127.0.0.1">
         <dialog id="other" direction="initiator"><state>confirmed</state></dialog>
       </dialog-info>`,
    );
    dialogs = mergeDialogs(dialogs, second);
    expect(dialogs.map((d) => d.id)).toEqual(['eafa5ec3c4b804ce', 'other']);
    expect(lineState(dialogs)).toBe('in-call');
    const third = parseDialogInfo(
      `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="partial">
         <dialog id="other"><state>terminated</state></dialog>
         <dialog id="eafa5ec3c4b804ce" direction="recipient"><state>terminated</state></dialog>
       </dialog-info>`,
    );
    expect(lineState(mergeDialogs(dialogs, third))).toBe('idle');
  });

  it('counts an outgoing call still ringing out as in call (the line is busy)', () => {
    const document = parseDialogInfo(
      `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full">
         <dialog id="x" direction="initiator"><state>early</state></dialog></dialog-info>`,
    );
    expect(lineState(document.dialogs)).toBe('in-call');
    expect(ringingDialog(document.dialogs)).toBeUndefined();
  });

  it('skips dialogs without id or with an unknown state, and keeps the rest', () => {
    const document = parseDialogInfo(
      `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full">
         <dialog><state>confirmed</state></dialog>
         <dialog id="a"><state>dancing</state></dialog>
         <dialog id="b" direction="recipient"><state>early</state></dialog></dialog-info>`,
    );
    expect(document.dialogs.map((d) => d.id)).toEqual(['b']);
  });

  it('rejects malformed XML and other documents with a PresenceParseError', () => {
    expect(() => parseDialogInfo('<dialog-info><dialog id="a">')).toThrow(PresenceParseError);
    expect(() => parseDialogInfo('<dialog-info><dialog id="a">')).toThrow(/malformed XML/);
    expect(() => parseDialogInfo('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>')).toThrow(
      'expected <dialog-info>, got <presence>',
    );
  });
});

describe('parseMessageSummary (RFC 3842)', () => {
  it('reads new/old and urgent counts of voice messages', () => {
    const summary = parseMessageSummary(
      'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\n',
    );
    expect(summary).toEqual({
      waiting: true,
      account: 'sip:alice@vmail.example.com',
      voice: { newMessages: 2, oldMessages: 8, urgentNew: 0, urgentOld: 2 },
    });
  });

  it('takes Asterisk-style bodies without urgent counts, and other classes are ignored', () => {
    const summary = parseMessageSummary('Messages-Waiting: no\nFax-Message: 1/0\nVoice-Message: 0/3\n');
    expect(summary).toEqual({
      waiting: false,
      voice: { newMessages: 0, oldMessages: 3, urgentNew: 0, urgentOld: 0 },
    });
  });

  it('accepts only the waiting flag, and rejects a body without it', () => {
    expect(parseMessageSummary('messages-waiting: YES')).toEqual({ waiting: true });
    expect(() => parseMessageSummary('Voice-Message: 1/0')).toThrow(PresenceParseError);
  });
});

describe('parsePidf (RFC 3863 + RPID)', () => {
  it('reads open/closed, the note and RPID activities', () => {
    const busy = parsePidf(`<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
  xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" xmlns:c="urn:ietf:params:xml:ns:pidf:cipid" entity="sip:bob@example.com">
  <tuple id="t1"><status><basic>open</basic></status><contact>sip:bob@192.0.2.4</contact></tuple>
  <dm:person id="p1"><rpid:activities><rpid:on-the-phone/></rpid:activities><dm:note>On a call</dm:note>
  <c:homepage>http://example.com</c:homepage></dm:person>
</presence>`);
    expect(busy).toEqual({
      entity: 'sip:bob@example.com',
      open: true,
      note: 'On a call',
      activities: ['on-the-phone'],
      status: 'busy',
    });
    const closed = parsePidf(
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><tuple id="x"><status><basic>closed</basic></status></tuple></presence>',
    );
    expect(closed.status).toBe('offline');
  });

  it('reads back what buildPidf publishes, for every status', () => {
    for (const status of ['available', 'away', 'busy', 'dnd'] as const) {
      const document = parsePidf(buildPidf('sip:1001@127.0.0.1', status, 'Back at 3 <pm> & later'));
      expect(document.status).toBe(status);
      expect(document.note).toBe('Back at 3 <pm> & later');
    }
  });

  it('rejects malformed XML with a PresenceParseError', () => {
    expect(() => parsePidf('<presence><tuple>')).toThrow(PresenceParseError);
  });
});
