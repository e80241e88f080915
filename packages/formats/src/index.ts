/** @ebjdat/formats */
export const packageName = "@ebjdat/formats";
