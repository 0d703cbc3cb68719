/**
 * The lab's SIP accounts: WebRTC app users 1001-1004, legacy desk phones 1010-1011 (baresip) and 1012
 * (Linphone, `linphone.ts`) and the scriptable test peers 1020-1022 (`sip-peer.ts`).
 */

/** A SIP account known to the lab's registrar. */
export interface LabUser {
  /** SIP user part and digest username, e.g. "1001". */
  user: string;
  /** Digest password (the registrar challenges REGISTER with 401 and INVITE with 407). */
  password: string;
  /** Address of record, e.g. "sip:1001@127.0.0.1". */
  aor: string;
  displayName: string;
}

/** The lab's accounts by role. */
export interface LabUsers {
  alice: LabUser;
  bob: LabUser;
  carol: LabUser;
  /** For a user registered from two places at once (forking). */
  dana: LabUser;
  /** Registered by the lab's default baresip phone. */
  legacy: LabUser;
  legacy2: LabUser;
  /** Registered by a Linphone desk phone (`linphone.ts`), another SIP stack than baresip. */
  linphone: LabUser;
  /** Scriptable SIP peers (`sip-peer.ts`), one per concurrent scenario. */
  peer: LabUser;
  peer2: LabUser;
  peer3: LabUser;
}

/** SIP domain of every lab account; also the registrar's address. */
export const LAB_DOMAIN = '127.0.0.1';

function labUser(user: string, password: string, displayName: string): LabUser {
  return { user, password, aor: `sip:${user}@${LAB_DOMAIN}`, displayName };
}

/** Creates the account list (a fresh object per lab, so a test cannot change another lab's users). */
export function createLabUsers(): LabUsers {
  return {
    alice: labUser('1001', 'alice-secret', 'Alice'),
    bob: labUser('1002', 'bob-secret', 'Bob'),
    carol: labUser('1003', 'carol-secret', 'Carol'),
    dana: labUser('1004', 'dana-secret', 'Dana'),
    legacy: labUser('1010', 'legacy-secret', 'Legacy Desk'),
    legacy2: labUser('1011', 'legacy2-secret', 'Legacy Two'),
    linphone: labUser('1012', 'linphone-secret', 'Linphone Desk'),
    peer: labUser('1020', 'peer-secret', 'Lab Peer'),
    peer2: labUser('1021', 'peer2-secret', 'Lab Peer Two'),
    peer3: labUser('1022', 'peer3-secret', 'Lab Peer Three'),
  };
}
