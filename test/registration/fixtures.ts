/**
 * Config files as users and hosts leave them. Kept as string constants so that BOMs, CRLF and tabs
 * are explicit in the source.
 */

export const ENTRY = { command: '/usr/bin/node', args: ['/home/me/.daytona-mcp/cli.js', 'start'] };

export interface Fixture {
  name: string;
  text: string;
  topKey: 'mcpServers' | 'servers';
  /** Upsert then remove gives back the original bytes (true for multi-line files without our entry). */
  roundTrip?: boolean;
  /** Exact expected text after upserting ENTRY as "daytona", where worth pinning down. */
  expected?: string;
}

export const VALID: Fixture[] = [
  { name: 'empty file', text: '', topKey: 'mcpServers' },
  { name: 'whitespace only', text: ' \n\t\n', topKey: 'mcpServers' },
  { name: 'comment only', text: '// nothing here yet\n', topKey: 'mcpServers' },
  { name: 'empty object', text: '{}\n', topKey: 'mcpServers' },
  { name: 'no mcpServers key', text: '{\n  "globalShortcut": "Ctrl+Space"\n}\n', topKey: 'mcpServers' },
  {
    name: 'line and block comments',
    topKey: 'mcpServers',
    roundTrip: true,
    text: [
      '// Claude Desktop config (hand-edited)',
      '{',
      '  /* global settings */',
      '  "globalShortcut": "Ctrl+Space",',
      '  "mcpServers": {',
      '    // file system access',
      '    "filesystem": {',
      '      "command": "npx",',
      '      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me"] // my home',
      '    } /* end filesystem */',
      '  }',
      '}',
      '',
    ].join('\n'),
    expected: [
      '// Claude Desktop config (hand-edited)',
      '{',
      '  /* global settings */',
      '  "globalShortcut": "Ctrl+Space",',
      '  "mcpServers": {',
      '    // file system access',
      '    "filesystem": {',
      '      "command": "npx",',
      '      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me"] // my home',
      '    }, /* end filesystem */',
      '    "daytona": {',
      '      "command": "/usr/bin/node",',
      '      "args": [',
      '        "/home/me/.daytona-mcp/cli.js",',
      '        "start"',
      '      ]',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  },
  {
    name: 'existing daytona entry with comments inside mcpServers and right after it',
    topKey: 'mcpServers',
    text: [
      '{',
      '  "mcpServers": {',
      '    // Daytona sandboxes',
      '    "daytona": { "command": "node", "args": ["/old/ext-0.0.9/dist/cli.js", "start"] }, // keep me',
      '    /* github */ "github": {"command": "docker", "args": ["run", "-i", "ghcr.io/github/github-mcp-server"]}',
      '  },',
      '  "other": true // trailing',
      '}',
      '',
    ].join('\n'),
  },
  {
    name: 'trailing commas',
    topKey: 'mcpServers',
    roundTrip: true,
    text: [
      '{',
      '  "mcpServers": {',
      '    "memory": {',
      '      "command": "npx",',
      '      "args": ["-y", "@modelcontextprotocol/server-memory",],',
      '    },',
      '  },',
      '}',
      '',
    ].join('\n'),
    expected: [
      '{',
      '  "mcpServers": {',
      '    "memory": {',
      '      "command": "npx",',
      '      "args": ["-y", "@modelcontextprotocol/server-memory",],',
      '    },',
      '    "daytona": {',
      '      "command": "/usr/bin/node",',
      '      "args": [',
      '        "/home/me/.daytona-mcp/cli.js",',
      '        "start"',
      '      ]',
      '    },',
      '  },',
      '}',
      '',
    ].join('\n'),
  },
  {
    name: 'UTF-8 BOM',
    topKey: 'mcpServers',
    roundTrip: true,
    text: '\uFEFF{\n  "mcpServers": {\n    "a": {"command": "a"}\n  }\n}\n',
  },
  {
    name: 'CRLF line endings',
    topKey: 'mcpServers',
    roundTrip: true,
    text: '{\r\n  "mcpServers": {\r\n    "a": {\r\n      "command": "a"\r\n    }\r\n  }\r\n}\r\n',
  },
  {
    name: 'tab indentation (VS Code)',
    topKey: 'servers',
    roundTrip: true,
    text: '{\n\t"servers": {\n\t\t"github": {\n\t\t\t"type": "http",\n\t\t\t"url": "https://api.githubcopilot.com/mcp/"\n\t\t}\n\t},\n\t"inputs": []\n}\n',
    expected:
      '{\n\t"servers": {\n\t\t"github": {\n\t\t\t"type": "http",\n\t\t\t"url": "https://api.githubcopilot.com/mcp/"\n\t\t},\n' +
      '\t\t"daytona": {\n\t\t\t"command": "/usr/bin/node",\n\t\t\t"args": [\n\t\t\t\t"/home/me/.daytona-mcp/cli.js",\n\t\t\t\t"start"\n\t\t\t]\n\t\t}\n' +
      '\t},\n\t"inputs": []\n}\n',
  },
  {
    name: 'other servers, four-space indentation',
    topKey: 'mcpServers',
    roundTrip: true,
    text: [
      '{',
      '    "mcpServers": {',
      '        "a": {"command": "a"},',
      '        "b": {"command": "b", "env": {"X": "1"}}',
      '    },',
      '    "preferences": {"theme": "dark"}',
      '}',
      '',
    ].join('\n'),
  },
  {
    name: 'existing daytona entry between neighbours',
    topKey: 'mcpServers',
    text: [
      '{',
      '  "mcpServers": {',
      '    "before": {"command": "x"},',
      '    "daytona": {',
      '      "command": "/usr/local/bin/node",',
      '      "args": ["/old/extension-1.0.0/dist/cli.js", "start"],',
      '      "env": {"DAYTONA_API_KEY": "old"}',
      '    },',
      '    "after": {"command": "y"}',
      '  }',
      '}',
      '',
    ].join('\n'),
    expected: [
      '{',
      '  "mcpServers": {',
      '    "before": {"command": "x"},',
      '    "daytona": {',
      '      "command": "/usr/bin/node",',
      '      "args": [',
      '        "/home/me/.daytona-mcp/cli.js",',
      '        "start"',
      '      ]',
      '    },',
      '    "after": {"command": "y"}',
      '  }',
      '}',
      '',
    ].join('\n'),
  },
  {
    name: 'official daytona-mcp entry',
    topKey: 'mcpServers',
    roundTrip: true,
    text: '{\n  "mcpServers": {\n    "daytona-mcp": {\n      "command": "daytona",\n      "args": ["mcp", "start"]\n    }\n  }\n}\n',
  },
  {
    name: 'single-line file',
    topKey: 'mcpServers',
    text: '{"mcpServers":{"a":{"command":"a"}},"x":1}',
  },
  {
    name: 'empty mcpServers with a comment inside',
    topKey: 'mcpServers',
    text: '{\n  "mcpServers": {\n    // add servers here\n  }\n}\n',
    expected:
      '{\n  "mcpServers": {\n    // add servers here\n    "daytona": {\n      "command": "/usr/bin/node",\n      "args": [\n' +
      '        "/home/me/.daytona-mcp/cli.js",\n        "start"\n      ]\n    }\n  }\n}\n',
  },
];

/** Not valid JSON: the first error is at line 4, column 5 (a missing comma). */
export const INVALID = '{\n  "mcpServers": {\n    "a": {"command": "a"}\n    "b": {}\n  }\n}\n';

export const OFFICIAL_UNDER_OUR_NAME =
  '{\n  "mcpServers": {\n    "daytona": {\n      "command": "/opt/homebrew/bin/daytona",\n      "args": ["mcp", "start"]\n    }\n  }\n}\n';

export const BAD_SHAPES: Array<{ name: string; text: string }> = [
  { name: 'root is an array', text: '[]\n' },
  { name: 'root is a string', text: '"hello"\n' },
  { name: 'mcpServers is an array', text: '{"mcpServers": []}\n' },
  { name: 'mcpServers is null', text: '{"mcpServers": null}\n' },
  { name: 'daytona given twice', text: '{"mcpServers": {"daytona": {}, "daytona": {"command": "x"}}}\n' },
];

/**
 * Each new agent's own file as people keep it: the tool's own settings, other servers, comments
 * where the format allows them (Claude Code's ~/.claude.json is plain JSON the tool rewrites), and
 * for Zed the trailing commas of its default settings.
 */
export const AGENT_FILES = {
  'claude-code': [
    '{',
    '  "numStartups": 42,',
    '  "installMethod": "npm-global",',
    '  "autoUpdates": true,',
    '  "tipsHistory": {',
    '    "memory-command": 12',
    '  },',
    '  "userID": "3f9c0e5b7a",',
    '  "projects": {',
    '    "/home/me/src/app": {',
    '      "allowedTools": [],',
    '      "mcpServers": {},',
    '      "hasTrustDialogAccepted": true',
    '    }',
    '  },',
    '  "mcpServers": {',
    '    "github": {',
    '      "type": "stdio",',
    '      "command": "docker",',
    '      "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"],',
    '      "env": {}',
    '    }',
    '  },',
    '  "hasCompletedOnboarding": true',
    '}',
    '',
  ].join('\n'),
  gemini: [
    '// Gemini CLI settings',
    '{',
    '  "general": { "vimMode": true },',
    '  "ui": { "theme": "GitHub" }, // the dark one',
    '  "mcpServers": {',
    '    /* docs */',
    '    "context7": { "httpUrl": "https://mcp.context7.com/mcp" }',
    '  },',
    '  "security": { "auth": { "selectedType": "oauth-personal" } }',
    '}',
    '',
  ].join('\n'),
  zed: [
    '// Zed settings',
    '//',
    '// For information on how to configure Zed, see the Zed',
    '// documentation: https://zed.dev/docs/configuring-zed',
    '{',
    '  "ui_font_size": 16,',
    '  "buffer_font_size": 15,',
    '  "theme": {',
    '    "mode": "system",',
    '    "light": "One Light",',
    '    "dark": "One Dark",',
    '  },',
    '  "context_servers": {',
    '    "postgres-context-server": {',
    '      "settings": { "database_url": "postgresql://localhost/db" },',
    '    },',
    '  },',
    '  "agent": { "default_model": { "provider": "zed.dev", "model": "claude-sonnet-4" }, },',
    '}',
    '',
  ].join('\n'),
  /** Comments, profiles, other servers with a sub-table, and a multi-line string holding a fake header. */
  codex: [
    '# Codex settings',
    'model = "gpt-5-codex"',
    'approval_policy = "on-request" # ask first',
    '',
    '[profiles.deep]',
    'model_reasoning_effort = "high"',
    'notes = """',
    '[mcp_servers.daytona]',
    'this line is inside a string',
    '"""',
    '',
    '# the GitHub server',
    '[mcp_servers.github]',
    'command = "docker"',
    "args = ['run', '-i', 'ghcr.io/github/github-mcp-server']",
    '',
    '[mcp_servers.github.env]',
    'GITHUB_TOKEN_FILE = "/home/me/.gh"',
    '',
    '[tui]',
    'notifications = true',
    '',
  ].join('\n'),
} as const;

/** A broken file per agent and the line its first error is on. */
export const BROKEN_AGENT_FILES = {
  'claude-code': { text: '{\n  "numStartups": 3,\n  "mcpServers": {\n    "a": {}\n    "b": {}\n  }\n}\n', line: 5 },
  gemini: { text: '// settings\n{\n  "ui": { "theme": "GitHub" }\n  "mcpServers": {}\n}\n', line: 4 },
  zed: { text: '{\n  "theme": "One Dark",,\n}\n', line: 2 },
  codex: { text: 'model = "x"\n\n[mcp_servers.github\ncommand = "y"\n', line: 3 },
} as const;
