/** @ebjdat/samplers */
export const packageName = "@ebjdat/samplers";
