import { Core } from 'sip.js';
import { describe, expect, it, vi } from 'vitest';
import { SIP_PARSER_SAMPLE, warmUpSipParser } from '../../../renderer/src/sip/parser-warm-up';

/** A SIP.js logger that keeps what it is told. */
function recordingLogger(): { logger: Core.Logger; lines: string[] } {
  const lines: string[] = [];
  const factory = new Core.LoggerFactory();
  factory.builtinEnabled = false;
  factory.connector = (level, _category, _label, content) => lines.push(`${level}: ${content}`);
  return { logger: factory.getLogger('sip.test'), lines };
}

describe('SIP parser warm-up', () => {
  it("parses a sample whose every header SIP.js reads in a registration's answers is well formed", () => {
    const { logger, lines } = recordingLogger();
    const message = Core.Parser.parseMessage(SIP_PARSER_SAMPLE, logger);
    expect(message).toBeInstanceOf(Core.IncomingResponseMessage);
    expect(lines).toEqual([]);
    const response = message as Core.IncomingResponseMessage;
    expect(response.statusCode).toBe(401);
    expect(response.via.host).toBe('192.0.2.1');
    expect(response.from.uri.user).toBe('warm-up');
    expect(response.to.uri.host).toBe('example.invalid');
    expect(response.cseq).toBe(1);
    // Read through the grammar at parse time (SIP.js's parser.js), as the real answers are.
    expect(response.parseHeader('contact')).toMatchObject({ uri: { user: 'warm-up' } });
    expect(response.parseHeader('www-authenticate')).toMatchObject({
      realm: 'example.invalid',
      nonce: 'd2FybS11cA',
    });
  });

  it('parses the sample once per page, without a word in the log', () => {
    const { logger, lines } = recordingLogger();
    const parse = vi.spyOn(Core.Parser, 'parseMessage');
    warmUpSipParser(logger);
    warmUpSipParser(logger);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(parse).toHaveBeenCalledWith(SIP_PARSER_SAMPLE, logger);
    expect(lines).toEqual([]);
    parse.mockRestore();
  });
});
