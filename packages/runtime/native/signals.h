/*
 * Asynchronous signals (SIGINT, SIGTERM, ...) received by one dedicated thread, never by a
 * thread that computes.
 *
 * Why: on these machines a process-directed signal that lands on a thread in the middle of
 * SIMD kernels has been seen to corrupt that thread's work: glibc heap corruption inside
 * oneDNN's AMX-capable SGEMM ("corrupted size vs. prev_size") and a slightly different
 * adversarial example in a chunk computed while SIGTERM arrived (issue 21 CI, shards test).
 * Node handles signals by writing to a pipe from whatever thread the kernel picked, so the
 * thread does not matter to it: blocking these signals in the main thread, before any kernel
 * thread (ours, OpenMP's, the wasm backend's workers) exists, makes every later thread inherit
 * the block, and a sink thread that only waits takes the signals instead.
 */
#ifndef EBJDAT_SIGNALS_H
#define EBJDAT_SIGNALS_H

/*
 * Routes the asynchronous signals to the sink thread, once (EBJDAT_SIGNAL_THREAD=0 leaves them
 * alone). Returns 1 when routed, 0 when left alone or the thread could not be started.
 */
int signals_route(void);

/* 1 when signals_route() routed them. */
int signals_routed(void);

#endif
