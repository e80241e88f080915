/* The column sums of column_sum.h. */
#include "column_sum.h"

#include <stdlib.h>

#include "parallel.h"

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

int column_sum(const float *x, float *out, int64_t O, int64_t R, int64_t C) {
  int T = O * R * C >= (1 << 16) ? parallel_threads : 1;
  const int split_rows = O == 1;
  if (split_rows && T > R) T = (int)R;
  if (!split_rows && T > O) T = (int)O;
  double *acc = split_rows ? calloc((size_t)(T * C), sizeof(double)) : NULL;
  if (split_rows && !acc) return -1;
  colsum_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    colsum_job j = {x, split_rows ? acc + t * C : NULL, out, O * t / T, O * (t + 1) / T, R * t / T, R * (t + 1) / T, R, C};
    if (split_rows) {
      j.o0 = 0;
      j.o1 = 1;
    }
    jobs[t] = j;
  }
  const int failed = parallel_run(colsum_thread, jobs, sizeof *jobs, T) > 0;
  if (split_rows && !failed) {
    for (int64_t c = 0; c < C; c++) {
      double sum = 0;
      for (int t = 0; t < T; t++) sum += acc[t * C + c];
      out[c] = (float)sum;
    }
  }
  free(acc);
  return failed ? -1 : 0;
}
