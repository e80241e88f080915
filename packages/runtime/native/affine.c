/* The affine + leaky ReLU kernels of affine.h. */
#include "affine.h"

#include <math.h>

#include "parallel.h"

typedef struct {
  const float *dy, *x, *scale, *shift;
  float *out;
  int64_t m0, m1, C;
  float alpha;
} affine_job;

static void *forward_thread(void *p) {
  const affine_job *j = (const affine_job *)p;
  const int64_t C = j->C;
  const float al = j->alpha;
  const float *restrict s = j->scale, *restrict t = j->shift;
  for (int64_t m = j->m0; m < j->m1; m++) {
    const float *restrict x = j->x + m * C;
    float *restrict y = j->out + m * C;
    for (int64_t c = 0; c < C; c++) {
      const float z = fmaf(x[c], s[c], t[c]);
      y[c] = z < 0.0f ? al * z : z;
    }
  }
  return NULL;
}

static void *gradient_thread(void *p) {
  const affine_job *j = (const affine_job *)p;
  const int64_t C = j->C;
  const float al = j->alpha;
  const float *restrict s = j->scale, *restrict t = j->shift;
  for (int64_t m = j->m0; m < j->m1; m++) {
    const float *restrict x = j->x + m * C, *restrict dy = j->dy + m * C;
    float *restrict dx = j->out + m * C;
    for (int64_t c = 0; c < C; c++) {
      const float z = fmaf(x[c], s[c], t[c]);
      dx[c] = (z > 0.0f ? dy[c] : al * dy[c]) * s[c];
    }
  }
  return NULL;
}

static void run(void *(*fn)(void *), const float *dy, const float *x, const float *scale, const float *shift, float *out, int64_t M,
                int64_t C, float alpha) {
  int T = M * C >= (1 << 15) ? parallel_threads : 1;
  if (T > M) T = (int)(M > 0 ? M : 1);
  affine_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    const affine_job j = {dy, x, scale, shift, out, M * t / T, M * (t + 1) / T, C, alpha};
    jobs[t] = j;
  }
  parallel_run(fn, jobs, sizeof *jobs, T);
}

void affine_leaky_relu(const float *x, const float *scale, const float *shift, float *y, int64_t M, int64_t C, float alpha) {
  run(forward_thread, NULL, x, scale, shift, y, M, C, alpha);
}

void affine_leaky_relu_grad(const float *dy, const float *x, const float *scale, const float *shift, float *dx, int64_t M, int64_t C,
                            float alpha) {
  run(gradient_thread, dy, x, scale, shift, dx, M, C, alpha);
}
