/** @ebjdat/trainer */
export const packageName = "@ebjdat/trainer";
