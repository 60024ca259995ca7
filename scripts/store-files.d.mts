export function storeChangelog(text: string, version: string): string;
