/** @ebjdat/testing */
export const packageName = "@ebjdat/testing";
