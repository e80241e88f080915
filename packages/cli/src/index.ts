/** @ebjdat/cli */
export const packageName = "@ebjdat/cli";
