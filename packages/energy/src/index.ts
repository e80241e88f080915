/** @ebjdat/energy */
export const packageName = "@ebjdat/energy";
