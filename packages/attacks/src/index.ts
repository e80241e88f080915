/** @ebjdat/attacks */
export const packageName = "@ebjdat/attacks";
