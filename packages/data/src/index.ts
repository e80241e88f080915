/** @ebjdat/data */
export const packageName = "@ebjdat/data";
