/**
 * The Init MCP picker's row for the registration the extension makes itself (the editor's MCP API), as
 * text without its icon. Kept free of `vscode` so that the pictures' manifest (scripts/pictures) lists
 * the same words the picker shows.
 */
export const BUILT_IN_CHOICE = 'This editor, built in';
