/** @ebjdat/bench */
export const packageName = "@ebjdat/bench";
