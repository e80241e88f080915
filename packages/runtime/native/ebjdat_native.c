/*
 * @ebjdat/runtime native kernels: 2-D convolution forward and gradients (NHWC, dilation 1) as
 * im2col + one SGEMM, on tensors that live in the TF.js wasm backend's heap (the addon reads and
 * writes the wasm memory's ArrayBuffer in place, no copies). SGEMM comes from a BLAS found at run
 * time (oneDNN's dnnl_sgemm, OpenBLAS/MKL/BLIS cblas_sgemm; EBJDAT_BLAS names a library to try
 * first) or, when none is found, from the portable blocked kernel below. All work is split over
 * EBJDAT_THREADS threads (default: the online cores).
 *
 * Layouts (row-major): x [N,H,W,Ci], filter [KH,KW,Ci,Co] = [K,Co] with K = KH*KW*Ci,
 * y/dy [N,OH,OW,Co] = [M,Co] with M = N*OH*OW, col [M,K] (im2col patches, zero in the padding).
 *   forward:          y  = col · W
 *   input gradient:   dcol = dy · W^T, dx = col2im(dcol)  (scatter-add of the patches)
 *   filter gradient:  dW = col^T · dy
 * Spec: foundation issue section 2 (kernels) and issue 6 (speed).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------- SGEMM: C[M,N] = alpha * op(A) · op(B) + beta * C, row-major ---------- */

typedef int (*dnnl_sgemm_fn)(char, char, int64_t, int64_t, int64_t, float, const float *, int64_t,
                             const float *, int64_t, float, float *, int64_t);
typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                               int, float, float *, int);

static dnnl_sgemm_fn g_dnnl = NULL;
static cblas_sgemm_fn g_cblas = NULL;
static char g_blas_name[512] = "builtin";
static int g_threads = 1;
static int g_initialised = 0;
static void *g_blas_handle = NULL;
static int64_t g_chunk_floats = 1 << 22; /* patches per chunk (EBJDAT_CHUNK_FLOATS) */

/* Tell the loaded BLAS how many threads to use (its own default is every core). */
static void apply_blas_threads(void) {
  typedef void (*set_fn)(int);
  void *h = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD); /* oneDNN's OpenMP runtime, when loaded */
  set_fn omp = h ? (set_fn)dlsym(h, "omp_set_num_threads") : NULL;
  if (omp) omp(g_threads);
  set_fn ob = (set_fn)dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
  if (!ob && g_blas_handle) ob = (set_fn)dlsym(g_blas_handle, "openblas_set_num_threads");
  if (ob) ob(g_threads);
}

static void try_library(const char *path) {
  if (g_dnnl || g_cblas) return;
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) return;
  dnnl_sgemm_fn d = (dnnl_sgemm_fn)dlsym(h, "dnnl_sgemm");
  if (d) {
    g_dnnl = d;
    g_blas_handle = h;
    snprintf(g_blas_name, sizeof g_blas_name, "dnnl_sgemm (%s)", path);
    return;
  }
  cblas_sgemm_fn c = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
  if (c) {
    g_cblas = c;
    g_blas_handle = h;
    snprintf(g_blas_name, sizeof g_blas_name, "cblas_sgemm (%s)", path);
    return;
  }
  dlclose(h);
}

static void init_once(void) {
  if (g_initialised) return;
  g_initialised = 1;
  const char *t = getenv("EBJDAT_THREADS");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  g_threads = t && atoi(t) > 0 ? atoi(t) : (cores > 0 ? (int)cores : 1);
  if (g_threads > 64) g_threads = 64;
  const char *cf = getenv("EBJDAT_CHUNK_FLOATS");
  if (cf && atol(cf) > 0) g_chunk_floats = atol(cf);
  /* OpenMP (oneDNN) threads sleep instead of spinning while they wait: several processes on
     the same cores (parallel tests, range-parallel evaluations) otherwise slow each other down
     many times over. Read by libgomp when it loads, i.e. at the dlopen below; a user's setting wins. */
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  const char *blas = getenv("EBJDAT_BLAS");
  if (blas && strcmp(blas, "builtin") == 0) return;
  if (blas && *blas) try_library(blas);
  /* Optimised libraries only: the reference libblas.so.3 is slower than the builtin kernel. */
  const char *candidates[] = {"libdnnl.so.3", "libdnnl.so.2", "libopenblas.so.0", "libopenblasp.so.0",
                              "libmkl_rt.so.2", "libmkl_rt.so", "libblis.so.4", "libblis.so.3"};
  for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) try_library(candidates[i]);
  apply_blas_threads();
}

/* Builtin kernel: 4 x 16 register blocks with GCC vector extensions, B packed per k-panel. */
typedef float v8 __attribute__((vector_size(32), aligned(4)));

typedef struct {
  int transA, transB;
  int64_t M, N, K, lda, ldb, ldc;
  float alpha, beta;
  const float *A, *B;
  float *C;
  int64_t m0, m1;
} gemm_job;

#define AT(tr, P, ld, i, k) ((tr) ? (P)[(int64_t)(k) * (ld) + (i)] : (P)[(int64_t)(i) * (ld) + (k)])

static void gemm_rows(const gemm_job *g) {
  const int64_t N = g->N, K = g->K;
  const int64_t KC = 256;
  const int64_t NP = (N + 15) / 16 * 16;
  float *bp = aligned_alloc(32, (size_t)(KC * NP) * sizeof(float) + 32);
  float *ap = malloc((size_t)(4 * KC) * sizeof(float));
  for (int64_t i = g->m0; i < g->m1; i++) {
    float *c = g->C + i * g->ldc;
    if (g->beta == 0.0f) memset(c, 0, (size_t)N * sizeof(float));
    else if (g->beta != 1.0f) for (int64_t j = 0; j < N; j++) c[j] *= g->beta;
  }
  for (int64_t k0 = 0; k0 < K; k0 += KC) {
    const int64_t kc = K - k0 < KC ? K - k0 : KC;
    for (int64_t k = 0; k < kc; k++) {
      float *row = bp + k * NP;
      for (int64_t j = 0; j < N; j++) row[j] = AT(g->transB, g->B, g->ldb, k0 + k, j);
      for (int64_t j = N; j < NP; j++) row[j] = 0.0f;
    }
    for (int64_t i = g->m0; i < g->m1; i += 4) {
      const int64_t mr = g->m1 - i < 4 ? g->m1 - i : 4;
      for (int64_t r = 0; r < 4; r++)
        for (int64_t k = 0; k < kc; k++)
          ap[k * 4 + r] = r < mr ? g->alpha * AT(g->transA, g->A, g->lda, i + r, k0 + k) : 0.0f;
      for (int64_t j = 0; j < NP; j += 16) {
        v8 c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
        for (int64_t k = 0; k < kc; k++) {
          const v8 b0 = *(const v8 *)(bp + k * NP + j);
          const v8 b1 = *(const v8 *)(bp + k * NP + j + 8);
          const float *a = ap + k * 4;
          c00 += a[0] * b0; c01 += a[0] * b1;
          c10 += a[1] * b0; c11 += a[1] * b1;
          c20 += a[2] * b0; c21 += a[2] * b1;
          c30 += a[3] * b0; c31 += a[3] * b1;
        }
        const v8 acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
        const int64_t nr = N - j < 16 ? N - j : 16;
        for (int64_t r = 0; r < mr; r++) {
          float *c = g->C + (i + r) * g->ldc + j;
          for (int64_t q = 0; q < nr; q++) c[q] += acc[r][q >> 3][q & 7];
        }
      }
    }
  }
  free(bp);
  free(ap);
}

static void *gemm_thread(void *p) {
  gemm_rows((const gemm_job *)p);
  return NULL;
}

static void sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                  int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (g_dnnl) {
    g_dnnl(transA ? 'T' : 'N', transB ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (g_cblas) {
    g_cblas(101, transA ? 112 : 111, transB ? 112 : 111, (int)M, (int)N, (int)K, alpha, A, (int)lda, B,
            (int)ldb, beta, C, (int)ldc);
    return;
  }
  int T = g_threads;
  if (M < 64 * T) T = M / 64 > 0 ? (int)(M / 64) : 1;
  gemm_job jobs[64];
  pthread_t th[64];
  for (int t = 0; t < T; t++) {
    gemm_job j = {transA, transB, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C, 0, 0};
    j.m0 = (M * t / T) / 4 * 4;
    j.m1 = t == T - 1 ? M : (M * (t + 1) / T) / 4 * 4;
    jobs[t] = j;
  }
  for (int t = 1; t < T; t++) pthread_create(&th[t], NULL, gemm_thread, &jobs[t]);
  gemm_rows(&jobs[0]);
  for (int t = 1; t < T; t++) pthread_join(th[t], NULL);
}

/* ---------- convolution geometry, im2col / col2im ---------- */

typedef struct {
  int64_t N, H, W, Ci, KH, KW, Co, OH, OW, sh, sw, pt, pl;
} conv_geom;

/* Patches of images [n0, n1) into col (rows (n, oh, ow) from image n0, K = KH*KW*Ci columns). */
static void im2col(const conv_geom *g, const float *x, float *col, int64_t n0, int64_t n1) {
  const int64_t K = g->KH * g->KW * g->Ci;
  const size_t cb = (size_t)g->Ci * sizeof(float);
  for (int64_t n = n0; n < n1; n++) {
    for (int64_t oh = 0; oh < g->OH; oh++) {
      for (int64_t ow = 0; ow < g->OW; ow++) {
        float *row = col + (((n - n0) * g->OH + oh) * g->OW + ow) * K;
        for (int64_t kh = 0; kh < g->KH; kh++) {
          const int64_t h = oh * g->sh - g->pt + kh;
          for (int64_t kw = 0; kw < g->KW; kw++) {
            const int64_t w = ow * g->sw - g->pl + kw;
            float *dst = row + (kh * g->KW + kw) * g->Ci;
            if (h < 0 || h >= g->H || w < 0 || w >= g->W) memset(dst, 0, cb);
            else memcpy(dst, x + ((n * g->H + h) * g->W + w) * g->Ci, cb);
          }
        }
      }
    }
  }
}

/* dx[n0..n1) += scatter of the patch gradients (dx must be zeroed first). */
static void col2im(const conv_geom *g, const float *col, float *dx, int64_t n0, int64_t n1) {
  const int64_t K = g->KH * g->KW * g->Ci;
  for (int64_t n = n0; n < n1; n++) {
    for (int64_t oh = 0; oh < g->OH; oh++) {
      for (int64_t ow = 0; ow < g->OW; ow++) {
        const float *row = col + (((n - n0) * g->OH + oh) * g->OW + ow) * K;
        for (int64_t kh = 0; kh < g->KH; kh++) {
          const int64_t h = oh * g->sh - g->pt + kh;
          if (h < 0 || h >= g->H) continue;
          for (int64_t kw = 0; kw < g->KW; kw++) {
            const int64_t w = ow * g->sw - g->pl + kw;
            if (w < 0 || w >= g->W) continue;
            const float *src = row + (kh * g->KW + kw) * g->Ci;
            float *dst = dx + ((n * g->H + h) * g->W + w) * g->Ci;
            for (int64_t c = 0; c < g->Ci; c++) dst[c] += src[c];
          }
        }
      }
    }
  }
}

typedef struct {
  const conv_geom *g;
  const float *x;
  float *col;
  float *dx;
  int64_t base, n0, n1;
  int scatter;
} patch_job;

static void *patch_thread(void *p) {
  const patch_job *j = (const patch_job *)p;
  const int64_t rowsPerImage = j->g->OH * j->g->OW * j->g->KH * j->g->KW * j->g->Ci;
  if (j->scatter) col2im(j->g, j->col + (j->n0 - j->base) * rowsPerImage, j->dx, j->n0, j->n1);
  else im2col(j->g, j->x, j->col + (j->n0 - j->base) * rowsPerImage, j->n0, j->n1);
  return NULL;
}

/* im2col (scatter = 0) or col2im (scatter = 1) of images [n0, n1), split by image over threads. */
static void patches_parallel(const conv_geom *g, const float *x, float *col, float *dx, int64_t n0, int64_t n1,
                             int scatter) {
  int T = g_threads;
  if (n1 - n0 < T) T = (int)(n1 - n0);
  if (T < 1) T = 1;
  patch_job jobs[64];
  pthread_t th[64];
  for (int t = 0; t < T; t++) {
    patch_job j = {g, x, col, dx, n0, n0 + (n1 - n0) * t / T, n0 + (n1 - n0) * (t + 1) / T, scatter};
    jobs[t] = j;
  }
  for (int t = 1; t < T; t++) pthread_create(&th[t], NULL, patch_thread, &jobs[t]);
  patch_thread(&jobs[0]);
  for (int t = 1; t < T; t++) pthread_join(th[t], NULL);
}

/* A pointwise conv (1x1, stride 1, no padding) needs no patches: col is x itself. */
static int is_pointwise(const conv_geom *g) {
  return g->KH == 1 && g->KW == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0;
}

/* Images per chunk so that one chunk's patches take at most g_chunk_floats (EBJDAT_CHUNK_FLOATS). */
static int64_t chunk_images(const conv_geom *g) {
  const int64_t perImage = g->OH * g->OW * g->KH * g->KW * g->Ci;
  int64_t c = perImage > 0 ? g_chunk_floats / perImage : g->N;
  if (c < g_threads) c = g_threads;
  if (c > g->N) c = g->N;
  return c;
}

static float *scratch(size_t floats) {
  static float *buf = NULL;
  static size_t cap = 0;
  if (floats > cap) {
    free(buf);
    buf = malloc(floats * sizeof(float));
    cap = buf ? floats : 0;
  }
  return buf;
}

/* y[M,Co] = col · W */
static int conv_forward(const conv_geom *g, const float *x, const float *w, float *y) {
  const int64_t K = g->KH * g->KW * g->Ci, rows = g->OH * g->OW;
  if (is_pointwise(g)) {
    sgemm(0, 0, g->N * rows, g->Co, K, 1.0f, x, K, w, g->Co, 0.0f, y, g->Co);
    return 0;
  }
  const int64_t cn = chunk_images(g);
  float *col = scratch((size_t)(cn * rows * K));
  if (!col) return -1;
  for (int64_t n0 = 0; n0 < g->N; n0 += cn) {
    const int64_t n1 = n0 + cn < g->N ? n0 + cn : g->N;
    patches_parallel(g, x, col, NULL, n0, n1, 0);
    sgemm(0, 0, (n1 - n0) * rows, g->Co, K, 1.0f, col, K, w, g->Co, 0.0f, y + n0 * rows * g->Co, g->Co);
  }
  return 0;
}

/* dx = col2im(dy · W^T) */
static int conv_backprop_input(const conv_geom *g, const float *dy, const float *w, float *dx) {
  const int64_t K = g->KH * g->KW * g->Ci, rows = g->OH * g->OW;
  if (is_pointwise(g)) {
    sgemm(0, 1, g->N * rows, K, g->Co, 1.0f, dy, g->Co, w, g->Co, 0.0f, dx, K);
    return 0;
  }
  const int64_t cn = chunk_images(g);
  float *col = scratch((size_t)(cn * rows * K));
  if (!col) return -1;
  memset(dx, 0, (size_t)(g->N * g->H * g->W * g->Ci) * sizeof(float));
  for (int64_t n0 = 0; n0 < g->N; n0 += cn) {
    const int64_t n1 = n0 + cn < g->N ? n0 + cn : g->N;
    sgemm(0, 1, (n1 - n0) * rows, K, g->Co, 1.0f, dy + n0 * rows * g->Co, g->Co, w, g->Co, 0.0f, col, K);
    patches_parallel(g, NULL, col, dx, n0, n1, 1);
  }
  return 0;
}

/* dW[K,Co] = col^T · dy, accumulated over chunks */
static int conv_backprop_filter(const conv_geom *g, const float *x, const float *dy, float *dw) {
  const int64_t K = g->KH * g->KW * g->Ci, rows = g->OH * g->OW;
  if (is_pointwise(g)) {
    sgemm(1, 0, K, g->Co, g->N * rows, 1.0f, x, K, dy, g->Co, 0.0f, dw, g->Co);
    return 0;
  }
  const int64_t cn = chunk_images(g);
  float *col = scratch((size_t)(cn * rows * K));
  if (!col) return -1;
  for (int64_t n0 = 0; n0 < g->N; n0 += cn) {
    const int64_t n1 = n0 + cn < g->N ? n0 + cn : g->N;
    patches_parallel(g, x, col, NULL, n0, n1, 0);
    sgemm(1, 0, K, g->Co, (n1 - n0) * rows, 1.0f, col, K, dy + n0 * rows * g->Co, g->Co, n0 == 0 ? 0.0f : 1.0f,
          dw, g->Co);
  }
  return 0;
}

/* ---------- N-API glue ---------- */

#define CHECK(call)                                                             \
  do {                                                                          \
    if ((call) != napi_ok) {                                                    \
      napi_throw_error(env, NULL, "ebjdat_native: N-API call failed: " #call); \
      return NULL;                                                              \
    }                                                                           \
  } while (0)

/* Every entry takes (memory: ArrayBuffer, offsets: number[] (bytes), dims: number[], [alpha: number]). */
typedef struct {
  float *mem;
  size_t bytes;
  int64_t off[4];
  int64_t dim[16];
  double alpha;
} call_args;

static int read_i64_array(napi_env env, napi_value arr, int64_t *out, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (napi_get_element(env, arr, i, &v) != napi_ok || napi_get_value_int64(env, v, &out[i]) != napi_ok) return -1;
  }
  return 0;
}

/* Reads the arguments; on bad input throws a TypeError naming what was expected and returns -1. */
static int read_call(napi_env env, napi_callback_info info, uint32_t nOff, uint32_t nDim, const char *usage, call_args *c) {
  init_once();
  size_t argc = 4;
  napi_value argv[4];
  bool isAb = false;
  memset(c, 0, sizeof *c);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_is_arraybuffer(env, argv[0], &isAb) != napi_ok ||
      !isAb || napi_get_arraybuffer_info(env, argv[0], (void **)&c->mem, &c->bytes) != napi_ok ||
      read_i64_array(env, argv[1], c->off, nOff) != 0 || read_i64_array(env, argv[2], c->dim, nDim) != 0 ||
      (argc >= 4 && napi_get_value_double(env, argv[3], &c->alpha) != napi_ok)) {
    napi_throw_type_error(env, NULL, usage);
    return -1;
  }
  return 0;
}

/* true when `count` floats at byte offset `off` lie inside the memory (an offset < 0 means "none" when allowed) */
static int in_bounds(const call_args *c, int64_t off, int64_t count) {
  return off >= 0 && off % 4 == 0 && count >= 0 && (uint64_t)(off + count * 4) <= c->bytes;
}

static napi_value out_of_bounds(napi_env env) {
  napi_throw_range_error(env, NULL, "ebjdat_native: an operand lies outside the memory buffer");
  return NULL;
}

/* conv(memory: ArrayBuffer, offsets: [a, b, out] (bytes), geom: [N,H,W,Ci,KH,KW,Co,OH,OW,sh,sw,pt,pl]) */
static napi_value conv_entry(napi_env env, napi_callback_info info, int which) {
  call_args c;
  if (read_call(env, info, 3, 13, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [3], geometry: [13])", &c)) return NULL;
  const int64_t *off = c.off, *geo = c.dim;
  const size_t bytes = c.bytes;
  void *mem = c.mem;
  conv_geom g = {geo[0], geo[1], geo[2], geo[3], geo[4], geo[5], geo[6], geo[7], geo[8], geo[9], geo[10], geo[11], geo[12]};
  const int64_t xs = g.N * g.H * g.W * g.Ci, ws = g.KH * g.KW * g.Ci * g.Co, ys = g.N * g.OH * g.OW * g.Co;
  /* operand sizes per kernel: forward (x, w -> y), input grad (dy, w -> dx), filter grad (x, dy -> dw) */
  const int64_t sizes[3][3] = {{xs, ws, ys}, {ys, ws, xs}, {xs, ys, ws}};
  for (int i = 0; i < 3; i++) {
    if (!in_bounds(&c, off[i], sizes[which][i])) return out_of_bounds(env);
  }
  (void)bytes;
  float *base = (float *)mem;
  const float *a = base + off[0] / 4, *b = base + off[1] / 4;
  float *o = base + off[2] / 4;
  int rc = which == 0 ? conv_forward(&g, a, b, o) : which == 1 ? conv_backprop_input(&g, a, b, o) : conv_backprop_filter(&g, a, b, o);
  if (rc != 0) {
    napi_throw_error(env, NULL, "ebjdat_native: out of memory for the convolution patches");
    return NULL;
  }
  return NULL;
}

static napi_value conv2d(napi_env env, napi_callback_info info) { return conv_entry(env, info, 0); }
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) { return conv_entry(env, info, 1); }
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) { return conv_entry(env, info, 2); }

/* ---------- leaky ReLU forward and backward, split over threads ---------- */

typedef struct {
  const float *a, *b;
  float *out;
  int64_t i0, i1;
  float alpha;
  int grad;
} ew_job;

static void *ew_thread(void *p) {
  const ew_job *j = (const ew_job *)p;
  /* branch-free selects; built with -fno-trapping-math so that gcc vectorizes them */
  const float al = j->alpha;
  float *restrict o = j->out;
  const int64_t i0 = j->i0, i1 = j->i1;
  if (j->grad) {
    const float *restrict dy = j->a, *restrict x = j->b;
    for (int64_t i = i0; i < i1; i++) {
      const float g = dy[i];
      o[i] = x[i] > 0.0f ? g : al * g;
    }
  } else {
    const float *restrict x = j->a;
    for (int64_t i = i0; i < i1; i++) {
      const float v = x[i];
      o[i] = v < 0.0f ? al * v : v;
    }
  }
  return NULL;
}

/* leakyRelu(memory, [x, y], n, alpha): y = x < 0 ? alpha*x : x;
   leakyReluGrad(memory, [dy, x, dx], n, alpha): dx = x > 0 ? dy : alpha*dy */
static napi_value leaky_entry(napi_env env, napi_callback_info info, int grad) {
  call_args c;
  const int k = grad ? 3 : 2;
  if (read_call(env, info, (uint32_t)k, 1, "ebjdat_native: expected (memory: ArrayBuffer, offsets, [n], alpha)", &c)) return NULL;
  const int64_t *off = c.off, n = c.dim[0];
  const double alpha = c.alpha;
  for (int i = 0; i < k; i++) {
    if (!in_bounds(&c, off[i], n)) return out_of_bounds(env);
  }
  void *mem = c.mem;
  float *base = (float *)mem;
  int T = n >= (1 << 16) ? g_threads : 1;
  ew_job jobs[64];
  pthread_t th[64];
  for (int t = 0; t < T; t++) {
    ew_job j = {base + off[0] / 4, base + off[1] / 4, base + off[k - 1] / 4, n * t / T, n * (t + 1) / T, (float)alpha, grad};
    jobs[t] = j;
  }
  for (int t = 1; t < T; t++) pthread_create(&th[t], NULL, ew_thread, &jobs[t]);
  ew_thread(&jobs[0]);
  for (int t = 1; t < T; t++) pthread_join(th[t], NULL);
  return NULL;
}

static napi_value leaky_relu(napi_env env, napi_callback_info info) { return leaky_entry(env, info, 0); }
static napi_value leaky_relu_grad(napi_env env, napi_callback_info info) { return leaky_entry(env, info, 1); }

/* ---------- column sums: out[o, c] = sum_r x[o, r, c] (a Sum over axes just before the last) ---------- */

typedef struct {
  const float *x;
  double *acc; /* [C] partial for row split (outer == 1), unused otherwise */
  float *out;
  int64_t o0, o1, r0, r1, R, C;
} colsum_job;

/* Σ_{r in [r0, r1)} rows of an [R, C] block: float sums of 256 rows, added up in double. */
static void block_sum(const float *x, int64_t r0, int64_t r1, int64_t C, double *acc, float *part) {
  for (int64_t m = r0; m < r1; m += 256) {
    const int64_t e = m + 256 < r1 ? m + 256 : r1;
    for (int64_t c = 0; c < C; c++) part[c] = 0.0f;
    for (int64_t r = m; r < e; r++) {
      const float *restrict row = x + r * C;
      float *restrict pp = part;
      for (int64_t c = 0; c < C; c++) pp[c] += row[c];
    }
    for (int64_t c = 0; c < C; c++) acc[c] += part[c];
  }
}

static void *colsum_thread(void *p) {
  const colsum_job *j = (const colsum_job *)p;
  const int64_t C = j->C, R = j->R;
  float *part = calloc((size_t)C, sizeof(float));
  double *acc = j->acc ? NULL : calloc((size_t)C, sizeof(double));
  if (!part || (!j->acc && !acc)) {
    free(part);
    free(acc);
    return (void *)1;
  }
  if (j->acc) {
    block_sum(j->x, j->r0, j->r1, C, j->acc, part);
  } else {
    for (int64_t o = j->o0; o < j->o1; o++) {
      for (int64_t c = 0; c < C; c++) acc[c] = 0.0;
      block_sum(j->x + o * R * C, 0, R, C, acc, part);
      for (int64_t c = 0; c < C; c++) j->out[o * C + c] = (float)acc[c];
    }
  }
  free(part);
  free(acc);
  return NULL;
}

/* columnSum(memory, [x, out], [outer, R, C]) */
static napi_value column_sum(napi_env env, napi_callback_info info) {
  call_args c;
  if (read_call(env, info, 2, 3, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [x, out], [outer, R, C])", &c)) return NULL;
  const int64_t *off = c.off;
  const int64_t O = c.dim[0], R = c.dim[1], C = c.dim[2];
  if (O < 1 || R < 1 || C < 1 || !in_bounds(&c, off[0], O * R * C) || !in_bounds(&c, off[1], O * C)) return out_of_bounds(env);
  void *mem = c.mem;
  const float *x = (const float *)mem + off[0] / 4;
  float *out = (float *)mem + off[1] / 4;
  int T = O * R * C >= (1 << 16) ? g_threads : 1;
  const int split_rows = O == 1;
  if (split_rows && T > R) T = (int)R;
  if (!split_rows && T > O) T = (int)O;
  double *acc = split_rows ? calloc((size_t)(T * C), sizeof(double)) : NULL;
  if (split_rows && !acc) {
    napi_throw_error(env, NULL, "ebjdat_native: out of memory");
    return NULL;
  }
  colsum_job jobs[64];
  pthread_t th[64];
  for (int t = 0; t < T; t++) {
    colsum_job j = {x, split_rows ? acc + t * C : NULL, out, O * t / T, O * (t + 1) / T, R * t / T, R * (t + 1) / T, R, C};
    if (split_rows) {
      j.o0 = 0;
      j.o1 = 1;
    }
    jobs[t] = j;
  }
  int failed = 0;
  for (int t = 1; t < T; t++) pthread_create(&th[t], NULL, colsum_thread, &jobs[t]);
  failed |= colsum_thread(&jobs[0]) != NULL;
  for (int t = 1; t < T; t++) {
    void *r = NULL;
    pthread_join(th[t], &r);
    failed |= r != NULL;
  }
  if (split_rows && !failed) {
    for (int64_t c = 0; c < C; c++) {
      double sum = 0;
      for (int t = 0; t < T; t++) sum += acc[t * C + c];
      out[c] = (float)sum;
    }
  }
  free(acc);
  if (failed) napi_throw_error(env, NULL, "ebjdat_native: out of memory");
  return NULL;
}

/* biasActivation(memory, [yOff, biasOff (-1: none)], [M, C, act (0 linear, 1 relu, 2 relu6, 3 leakyrelu)], alpha):
   y[m, c] = act(y[m, c] + bias[c]) in place */
static napi_value bias_activation(napi_env env, napi_callback_info info) {
  call_args c;
  if (read_call(env, info, 2, 3, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [y, bias or -1], [M, C, act], alpha)", &c)) return NULL;
  const int64_t *off = c.off;
  const int64_t M = c.dim[0], C = c.dim[1], act = c.dim[2];
  const double alpha = c.alpha;
  if (!in_bounds(&c, off[0], M * C) || (off[1] != -1 && !in_bounds(&c, off[1], C))) return out_of_bounds(env);
  void *mem = c.mem;
  float *y = (float *)mem + off[0] / 4;
  const float *b = off[1] >= 0 ? (const float *)mem + off[1] / 4 : NULL;
  const float a = (float)alpha;
  for (int64_t m = 0; m < M; m++) {
    float *r = y + m * C;
    if (b) for (int64_t c = 0; c < C; c++) r[c] += b[c];
    if (act == 1) for (int64_t c = 0; c < C; c++) r[c] = r[c] > 0 ? r[c] : 0;
    else if (act == 2) for (int64_t c = 0; c < C; c++) r[c] = r[c] > 0 ? (r[c] < 6 ? r[c] : 6) : 0;
    else if (act == 3) for (int64_t c = 0; c < C; c++) r[c] = r[c] >= 0 ? r[c] : a * r[c];
  }
  return NULL;
}

static napi_value info_entry(napi_env env, napi_callback_info info) {
  (void)info;
  init_once();
  napi_value obj, blas, threads;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, g_blas_name, NAPI_AUTO_LENGTH, &blas));
  CHECK(napi_create_int32(env, g_threads, &threads));
  CHECK(napi_set_named_property(env, obj, "blas", blas));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  return obj;
}

/* configure(blas: "auto" | "builtin" | library path, threads: number (0 = keep)) */
static napi_value configure_entry(napi_env env, napi_callback_info info) {
  init_once();
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[400] = "auto";
  size_t len = 0;
  if (argc >= 1) {
    napi_valuetype t;
    CHECK(napi_typeof(env, argv[0], &t));
    if (t == napi_string) CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  }
  if (argc >= 2) {
    int32_t th = 0;
    CHECK(napi_get_value_int32(env, argv[1], &th));
    if (th > 0) g_threads = th > 64 ? 64 : th;
  }
  g_dnnl = NULL;
  g_cblas = NULL;
  snprintf(g_blas_name, sizeof g_blas_name, "builtin");
  if (strcmp(name, "builtin") != 0) {
    if (strcmp(name, "auto") == 0) {
      g_initialised = 0;
      int keep = g_threads;
      init_once();
      g_threads = keep;
    } else {
      try_library(name);
      if (!g_dnnl && !g_cblas) {
        napi_throw_error(env, NULL, "ebjdat_native: the BLAS library could not be loaded or has no dnnl_sgemm/cblas_sgemm");
        return NULL;
      }
    }
  }
  apply_blas_threads();
  return info_entry(env, info);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"info", NULL, info_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"leakyRelu", NULL, leaky_relu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"leakyReluGrad", NULL, leaky_relu_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"columnSum", NULL, column_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, bias_activation, NULL, NULL, NULL, napi_enumerable, NULL},
      {"configure", NULL, configure_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
