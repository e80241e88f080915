/*
 * Settings of the native kernels: read from the environment on first use (EBJDAT_THREADS,
 * EBJDAT_CHUNK_FLOATS, EBJDAT_BLAS), changed by configure() (setNativeKernels in TypeScript).
 */
#ifndef EBJDAT_SETTINGS_H
#define EBJDAT_SETTINGS_H

/* Reads the environment and loads the BLAS, once; every entry of the addon calls it first. */
void settings_init(void);

/*
 * blas: "auto" (EBJDAT_BLAS, else the fastest library found, as at start), "builtin" or a library
 * path; threads > 0 sets the threads (at most PARALLEL_MAX), 0 keeps them. Returns 0, or -1 when
 * the named library cannot be loaded or has no SGEMM (the builtin kernel is then in use).
 */
int settings_configure(const char *blas, int threads);

#endif
