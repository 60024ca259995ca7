export declare const AGENT_CLIS: Record<'claude' | 'gemini' | 'codex', { pkg: string; version: string; bin: string }>;
export declare const AGENT_CLI_DIR: string;
export declare function ensureAgentCli(name: 'claude' | 'gemini' | 'codex'): string;
