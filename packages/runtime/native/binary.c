/* The binary arithmetic of binary.h. */
#include "binary.h"

#include "parallel.h"

typedef struct {
  int op, aMode, bMode;
  const float *a, *b;
  float *out;
  int64_t m0, m1, C;
} binary_job;

/* One row: the operands' row pointers are already resolved (a scalar is a row of one value). */
static inline void row(int op, const float *restrict a, int aStep, const float *restrict b, int bStep, float *restrict o, int64_t C) {
  /* aStep/bStep: 1 for a row, 0 for a scalar; the branches are hoisted so that each loop vectorizes */
  if (aStep && bStep) {
    if (op == BINARY_ADD) for (int64_t c = 0; c < C; c++) o[c] = a[c] + b[c];
    else if (op == BINARY_SUB) for (int64_t c = 0; c < C; c++) o[c] = a[c] - b[c];
    else for (int64_t c = 0; c < C; c++) o[c] = a[c] * b[c];
  } else if (aStep) {
    const float s = b[0];
    if (op == BINARY_ADD) for (int64_t c = 0; c < C; c++) o[c] = a[c] + s;
    else if (op == BINARY_SUB) for (int64_t c = 0; c < C; c++) o[c] = a[c] - s;
    else for (int64_t c = 0; c < C; c++) o[c] = a[c] * s;
  } else if (bStep) {
    const float s = a[0];
    if (op == BINARY_ADD) for (int64_t c = 0; c < C; c++) o[c] = s + b[c];
    else if (op == BINARY_SUB) for (int64_t c = 0; c < C; c++) o[c] = s - b[c];
    else for (int64_t c = 0; c < C; c++) o[c] = s * b[c];
  } else {
    const float v = op == BINARY_ADD ? a[0] + b[0] : op == BINARY_SUB ? a[0] - b[0] : a[0] * b[0];
    for (int64_t c = 0; c < C; c++) o[c] = v;
  }
}

static const float *row_of(const float *p, int mode, int64_t m, int64_t C) { return mode == OPERAND_FULL ? p + m * C : p; }

static void *binary_thread(void *p) {
  const binary_job *j = (const binary_job *)p;
  const int aStep = j->aMode != OPERAND_SCALAR, bStep = j->bMode != OPERAND_SCALAR;
  if (j->aMode == OPERAND_FULL && j->bMode != OPERAND_ROW) {
    /* a full and b full or scalar: one long row over the thread's range (better vectorized) */
    const int64_t C = j->C, i0 = j->m0 * C, n = (j->m1 - j->m0) * C;
    row(j->op, j->a + i0, 1, j->bMode == OPERAND_FULL ? j->b + i0 : j->b, bStep, j->out + i0, n);
    return NULL;
  }
  if (j->bMode == OPERAND_FULL && j->aMode == OPERAND_SCALAR) {
    const int64_t C = j->C, i0 = j->m0 * C, n = (j->m1 - j->m0) * C;
    row(j->op, j->a, 0, j->b + i0, 1, j->out + i0, n);
    return NULL;
  }
  for (int64_t m = j->m0; m < j->m1; m++)
    row(j->op, row_of(j->a, j->aMode, m, j->C), aStep, row_of(j->b, j->bMode, m, j->C), bStep, j->out + m * j->C, j->C);
  return NULL;
}

void binary_op(int op, const float *a, int aMode, const float *b, int bMode, float *out, int64_t M, int64_t C) {
  int T = M * C >= (1 << 15) ? parallel_threads : 1;
  if (T > M) T = (int)(M > 0 ? M : 1);
  binary_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    const binary_job j = {op, aMode, bMode, a, b, out, M * t / T, M * (t + 1) / T, C};
    jobs[t] = j;
  }
  parallel_run(binary_thread, jobs, sizeof *jobs, T);
}
