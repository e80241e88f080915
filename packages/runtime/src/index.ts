/**
 * @ebjdat/runtime: the TF.js backend every package runs on, the kernels and gradients that
 * TF.js lacks on some backends, seeded randomness and the shared plain types.
 */
// The portable part, also the browser entry (package.json `exports["."].browser`; DEVELOPING.md, "Browser builds").
export * from "./index.browser";
// Node only (files, Node built-ins):
export { tempPathFor, writeFileAtomic, writeJsonAtomic, writeDirAtomic, writeDirAtomicAsync, readJsonFile, JsonFileError } from "./atomic";
export { writeVersionedDirAsync, resolveVersionedDir, versionCandidates, versionsFolder, LATEST_FILE } from "./atomic";
export { acquireLock, readLockOwner, LockedError } from "./lock";
export type { Lock, LockOwner, AcquireLockOptions } from "./lock";
