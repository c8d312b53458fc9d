import { ApplicationCommandOptionType as T } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { TYPED_COMMAND_MAX, typedCommand } from '../../src/discord/typed-command.js';

describe('the command as the user typed it', () => {
  it('reads subcommands, text, numbers, users and channels back as they are typed', () => {
    const options = [
      {
        name: 'add',
        type: T.Subcommand,
        options: [
          { name: 'user', type: T.User, value: '400000000000000001', user: { username: 'mara' } },
          { name: 'amount', type: T.Integer, value: 5 },
          { name: 'reason', type: T.String, value: 'Great scene at Elysium' },
          { name: 'log', type: T.Channel, value: '500000000000000001', channel: { name: 'xp-log' } },
        ],
      },
    ];
    expect(typedCommand('xp', options)).toBe('/xp add user:@mara amount:5 reason:Great scene at Elysium log:#xp-log');
  });

  it('hands back nothing for a command without free text', () => {
    expect(typedCommand('ping', [])).toBeUndefined();
    expect(typedCommand('xp', [{ name: 'show', type: T.Subcommand, options: [{ name: 'user', type: T.User, value: '1', user: { username: 'mara' } }] }])).toBeUndefined();
  });

  it('keeps backticks from closing the code block, and stays short', () => {
    expect(typedCommand('note', [{ name: 'text', type: T.String, value: 'a `b` c' }])).toBe("/note text:a 'b' c");
    const long = typedCommand('note', [{ name: 'text', type: T.String, value: 'x'.repeat(5_000) }])!;
    expect(long).toHaveLength(TYPED_COMMAND_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});
