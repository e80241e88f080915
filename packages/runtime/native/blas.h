/*
 * SGEMM of the native kernels: a BLAS library found at run time with dlopen (oneDNN's
 * dnnl_sgemm; OpenBLAS/MKL/BLIS cblas_sgemm), none of which needs to exist at build time, else
 * the builtin kernel (sgemm_builtin.h).
 */
#ifndef EBJDAT_BLAS_H
#define EBJDAT_BLAS_H

#include <stdint.h>

/* C[M,N] = alpha · op(A) · op(B) + beta · C, row-major, op(P) = Pᵀ when trans* is set; on the
   loaded library, else on sgemm_builtin. Does nothing when M or N is 0. */
void sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
           const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

/* Loads the library at `path` unless one is loaded already; 0 when one is loaded afterwards
   (the path had dnnl_sgemm or cblas_sgemm), else -1. */
int blas_load(const char *path);

/* blas_load of the optimised libraries in order of speed (oneDNN, OpenBLAS, MKL, BLIS); the
   reference libblas.so.3 is left out: it is slower than the builtin kernel. */
void blas_load_first_found(void);

/* Forgets the loaded library: sgemm runs the builtin kernel. */
void blas_unload(void);

/* "dnnl_sgemm (<path>)", "cblas_sgemm (<path>)" or "builtin". */
const char *blas_name(void);

/* The dlopen handle of the loaded library when it is oneDNN (it has dnnl_sgemm), else NULL; *path
   (when path is not NULL) is the name it was loaded by. conv_dnnl.c finds the primitives there. */
void *blas_dnnl_handle(const char **path);

/* Tells the loaded library's threads (oneDNN's OpenMP runtime, OpenBLAS) to use `threads`
   threads (their own default is every core). */
void blas_set_threads(int threads);

#endif
