/* The addon's own SGEMM, used when no BLAS library is found (or EBJDAT_BLAS=builtin). */
#ifndef EBJDAT_SGEMM_BUILTIN_H
#define EBJDAT_SGEMM_BUILTIN_H

#include <stdint.h>

/*
 * C[M,N] = alpha · op(A) · op(B) + beta · C, row-major, op(P) = Pᵀ when trans* is set:
 * 4 x 16 register blocks (GCC vector extensions), B packed per panel of 256 k, rows of C split
 * over parallel_threads (at least 64 rows each).
 */
void sgemm_builtin(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                   const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

#endif
