/** @ebjdat/metrics */
export const packageName = "@ebjdat/metrics";
