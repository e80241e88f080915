/* The run-time BLAS of blas.h. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "blas.h"

#include <dlfcn.h>
#include <stdio.h>

#include "sgemm_builtin.h"

typedef int (*dnnl_sgemm_fn)(char, char, int64_t, int64_t, int64_t, float, const float *, int64_t,
                             const float *, int64_t, float, float *, int64_t);
typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                               int, float, float *, int);

static dnnl_sgemm_fn g_dnnl = NULL;
static cblas_sgemm_fn g_cblas = NULL;
static void *g_handle = NULL;
static char g_name[512] = "builtin";
static char g_path[400] = ""; /* the loaded library as named to blas_load */

void sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
           const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (g_dnnl) {
    g_dnnl(transA ? 'T' : 'N', transB ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (g_cblas) {
    /* CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112 */
    g_cblas(101, transA ? 112 : 111, transB ? 112 : 111, (int)M, (int)N, (int)K, alpha, A, (int)lda, B,
            (int)ldb, beta, C, (int)ldc);
    return;
  }
  sgemm_builtin(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

int blas_load(const char *path) {
  if (g_dnnl || g_cblas) return 0;
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) return -1;
  g_dnnl = (dnnl_sgemm_fn)dlsym(h, "dnnl_sgemm");
  if (!g_dnnl) g_cblas = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
  if (!g_dnnl && !g_cblas) {
    dlclose(h);
    return -1;
  }
  g_handle = h;
  snprintf(g_path, sizeof g_path, "%s", path);
  snprintf(g_name, sizeof g_name, "%s (%s)", g_dnnl ? "dnnl_sgemm" : "cblas_sgemm", path);
  return 0;
}

void blas_load_first_found(void) {
  const char *candidates[] = {"libdnnl.so.3", "libdnnl.so.2", "libopenblas.so.0", "libopenblasp.so.0",
                              "libmkl_rt.so.2", "libmkl_rt.so", "libblis.so.4", "libblis.so.3"};
  for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) blas_load(candidates[i]);
}

void blas_unload(void) {
  g_dnnl = NULL;
  g_cblas = NULL;
  snprintf(g_name, sizeof g_name, "builtin");
}

const char *blas_name(void) { return g_name; }

void *blas_dnnl_handle(const char **path) {
  if (path) *path = g_path;
  return g_dnnl ? g_handle : NULL;
}

void blas_set_threads(int threads) {
  typedef void (*set_fn)(int);
  void *h = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD); /* oneDNN's OpenMP runtime, when loaded */
  set_fn omp = h ? (set_fn)dlsym(h, "omp_set_num_threads") : NULL;
  if (omp) omp(threads);
  set_fn ob = (set_fn)dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
  if (!ob && g_handle) ob = (set_fn)dlsym(g_handle, "openblas_set_num_threads");
  if (ob) ob(threads);
}
