/* The element-wise kernels of elementwise.h. */
#include "elementwise.h"

#include "parallel.h"

typedef struct {
  const float *a, *b;
  float *out;
  int64_t i0, i1;
  float alpha;
  int grad;
} leaky_job;

static void *leaky_thread(void *p) {
  const leaky_job *j = (const leaky_job *)p;
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

/* a = x (forward) or dy (gradient), b = x (gradient), split in T equal ranges. */
static void leaky(const float *a, const float *b, float *out, int64_t n, float alpha, int grad) {
  int T = n >= (1 << 16) ? parallel_threads : 1;
  leaky_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    leaky_job j = {a, b, out, n * t / T, n * (t + 1) / T, alpha, grad};
    jobs[t] = j;
  }
  parallel_run(leaky_thread, jobs, sizeof *jobs, T);
}

void leaky_relu(const float *x, float *y, int64_t n, float alpha) { leaky(x, NULL, y, n, alpha, 0); }

void leaky_relu_grad(const float *dy, const float *x, float *dx, int64_t n, float alpha) { leaky(dy, x, dx, n, alpha, 1); }

void bias_activation(float *y, const float *bias, int64_t M, int64_t C, int64_t act, float alpha) {
  for (int64_t m = 0; m < M; m++) {
    float *r = y + m * C;
    if (bias) for (int64_t c = 0; c < C; c++) r[c] += bias[c];
    if (act == ACT_RELU) for (int64_t c = 0; c < C; c++) r[c] = r[c] > 0 ? r[c] : 0;
    else if (act == ACT_RELU6) for (int64_t c = 0; c < C; c++) r[c] = r[c] > 0 ? (r[c] < 6 ? r[c] : 6) : 0;
    else if (act == ACT_LEAKY_RELU) for (int64_t c = 0; c < C; c++) r[c] = r[c] >= 0 ? r[c] : alpha * r[c];
  }
}
