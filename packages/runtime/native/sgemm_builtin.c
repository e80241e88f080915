/* The builtin blocked SGEMM of sgemm_builtin.h. */
#include "sgemm_builtin.h"

#include <stdlib.h>
#include <string.h>

#include "parallel.h"

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

/* Rows [m0, m1) of C. */
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

void sgemm_builtin(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                   const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  int T = parallel_threads;
  if (M < 64 * T) T = M / 64 > 0 ? (int)(M / 64) : 1;
  gemm_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    gemm_job j = {transA, transB, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C, 0, 0};
    j.m0 = (M * t / T) / 4 * 4;
    j.m1 = t == T - 1 ? M : (M * (t + 1) / T) / 4 * 4;
    jobs[t] = j;
  }
  parallel_run(gemm_thread, jobs, sizeof *jobs, T);
}
