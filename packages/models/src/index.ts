/** @ebjdat/models */
export const packageName = "@ebjdat/models";
