/**
 * @ebjdat/testing (private): the shared reference folder, its vectors, and the tolerance checks
 * used by every package's tests.
 */
export { sharedDir, sharedPath, findRepoRoot } from "./shared.js";
export { loadVectors, readF32, readF32NchwAsNhwc, readF64, readI32, readU8 } from "./vectors.js";
export { tempDir } from "./temp.js";
export { tensorOf } from "./tensor.js";
export { maxAbsRelError, relL2Error, fractionWithin, valuesOf, type Numeric } from "./compare.js";
