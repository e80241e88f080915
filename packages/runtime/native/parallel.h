/*
 * Threads of the native kernels: how many (EBJDAT_THREADS, default the online cores, at most
 * PARALLEL_MAX) and the one fan-out every kernel uses.
 */
#ifndef EBJDAT_PARALLEL_H
#define EBJDAT_PARALLEL_H

#include <stddef.h>

#define PARALLEL_MAX 64

/* Threads for SGEMM, patches and element-wise work (set by settings.c). */
extern int parallel_threads;

/*
 * Runs fn(&jobs[t]) for t in [0, T) (jobs: T records of job_size bytes, T <= PARALLEL_MAX):
 * jobs 1..T-1 on new threads, job 0 on the caller (and any job whose thread cannot start), then
 * waits for all. Returns how many jobs returned non-NULL (their way of saying they failed).
 */
int parallel_run(void *(*fn)(void *), void *jobs, size_t job_size, int T);

#endif
