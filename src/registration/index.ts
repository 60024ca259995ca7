/** Registration of the Daytona MCP server in agent hosts' config files (pure Node; no vscode import). */
export * from './config-edit';
export * from './entry';
export * from './errors';
export * from './hosts';
export type { JsonObject, JsonValue } from './json';
export { DEFAULT_FORMAT, type TextFormat } from './jsonc-text';
export * from './install';
export * from './report';
export * from './display-path';
export * from './http-state';
