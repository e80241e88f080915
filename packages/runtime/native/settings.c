/* The settings of settings.h. */
#include "settings.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blas.h"
#include "conv2d.h"
#include "conv_dnnl.h"
#include "parallel.h"

static void read_environment(void) {
  const char *t = getenv("EBJDAT_THREADS");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  parallel_threads = t && atoi(t) > 0 ? atoi(t) : (cores > 0 ? (int)cores : 1);
  if (parallel_threads > PARALLEL_MAX) parallel_threads = PARALLEL_MAX;
  const char *cf = getenv("EBJDAT_CHUNK_FLOATS");
  if (cf && atol(cf) > 0) conv2d_chunk_floats = atol(cf);
  /* OpenMP (oneDNN) threads sleep instead of spinning while they wait: several processes on
     the same cores (parallel tests, range-parallel evaluations) otherwise slow each other down
     many times over. Read by libgomp when it loads, i.e. at the dlopen below; a user's setting wins. */
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  const char *blas = getenv("EBJDAT_BLAS");
  if (blas && strcmp(blas, "builtin") == 0) return;
  if (blas && *blas) blas_load(blas);
  blas_load_first_found();
  blas_set_threads(parallel_threads);
}

void settings_init(void) {
  static int done = 0;
  if (done) return;
  done = 1;
  read_environment();
  conv_dnnl_set_mode(getenv("EBJDAT_CONV")); /* an unknown name keeps auto (TypeScript rejects it first) */
}

int settings_configure(const char *blas, int threads) {
  settings_init();
  if (threads > 0) parallel_threads = threads > PARALLEL_MAX ? PARALLEL_MAX : threads;
  blas_unload();
  if (strcmp(blas, "auto") == 0) {
    const int keep = parallel_threads;
    read_environment();
    parallel_threads = keep;
  } else if (strcmp(blas, "builtin") != 0 && blas_load(blas) != 0) {
    return -1;
  }
  blas_set_threads(parallel_threads);
  return 0;
}
