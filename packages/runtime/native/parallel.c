/* The fan-out of parallel.h: one job per thread, the caller runs the first. */
#include "parallel.h"

#include <pthread.h>

int parallel_threads = 1;

int parallel_run(void *(*fn)(void *), void *jobs, size_t job_size, int T) {
  pthread_t th[PARALLEL_MAX];
  int started[PARALLEL_MAX] = {0};
  char *job = (char *)jobs;
  int failed = 0;
  for (int t = 1; t < T; t++) started[t] = pthread_create(&th[t], NULL, fn, job + (size_t)t * job_size) == 0;
  failed += fn(job) != NULL;
  for (int t = 1; t < T; t++) {
    void *r = NULL;
    if (started[t]) pthread_join(th[t], &r);
    else r = fn(job + (size_t)t * job_size);
    failed += r != NULL;
  }
  return failed;
}
