/* The train-mode batch-norm kernels of batch_norm.h. */
#include "batch_norm.h"

#include <stdlib.h>

#include "parallel.h"

/* What a pass computes: the sums of the moments and of the backward pass, or an output per element. */
enum { PASS_SUM, PASS_SQUARED_DEVIATION, PASS_GRAD_SUMS, PASS_FORWARD, PASS_GRAD_OUT };

typedef struct {
  int pass;
  const float *x, *dy, *mean, *invstd, *gamma, *beta;
  const float *coef; /* PASS_GRAD_OUT: [2C] = dbeta/M, dgamma/M */
  float alpha;
  float *out;     /* the element-wise passes' output */
  float *partial; /* the summing passes: [B][2C] per-image sums */
  float *scratch; /* [4C] per thread: the running sums over W and over H */
  int64_t b0, b1, H, W, C;
} bn_job;

/* s0[c] += dz, s1[c] += dz·x̂ over one row (restrict parameters: GCC vectorizes this, not the same loop inline). */
static inline void grad_row_sums(const float *restrict x, const float *restrict dy, const float *restrict mu, const float *restrict is,
                                 const float *restrict g, const float *restrict be, float al, int64_t C, float *restrict s0,
                                 float *restrict s1) {
  for (int64_t c = 0; c < C; c++) {
    const float xhat = (x[c] - mu[c]) * is[c];
    const float z = xhat * g[c] + be[c];
    const float d = dy[c];
    const float dz = z > 0.0f ? d : al * d;
    s0[c] += dz;
    s1[c] += dz * xhat;
  }
}

/*
 * One image's sums, staged as the TF.js composition stages them (channelSum: over W, then over H,
 * each a float sum in order): s[c] (and s[C + c] for the gradient's second sum).
 */
static void image_sums(const bn_job *j, int64_t b, float *restrict out) {
  const int64_t C = j->C, two = j->pass == PASS_GRAD_SUMS ? 2 : 1;
  float *restrict sh = j->scratch, *restrict sw = j->scratch + 2 * C;
  for (int64_t c = 0; c < two * C; c++) sh[c] = 0.0f;
  for (int64_t h = 0; h < j->H; h++) {
    for (int64_t c = 0; c < two * C; c++) sw[c] = 0.0f;
    for (int64_t w = 0; w < j->W; w++) {
      const int64_t m = (b * j->H + h) * j->W + w;
      const float *restrict x = j->x + m * C, *restrict mu = j->mean;
      if (j->pass == PASS_SUM) {
        for (int64_t c = 0; c < C; c++) sw[c] += x[c];
      } else if (j->pass == PASS_SQUARED_DEVIATION) {
        for (int64_t c = 0; c < C; c++) {
          const float d = x[c] - mu[c];
          sw[c] += d * d;
        }
      } else {
        grad_row_sums(x, j->dy + m * C, mu, j->invstd, j->gamma, j->beta, j->alpha, C, sw, sw + C);
      }
    }
    for (int64_t c = 0; c < two * C; c++) sh[c] += sw[c];
  }
  for (int64_t c = 0; c < two * C; c++) out[c] = sh[c];
}

/* One image's outputs: the normalisation (+ leaky ReLU), or the input gradient. */
static void image_outputs(const bn_job *j, int64_t b) {
  const int64_t C = j->C, rows = j->H * j->W;
  const float *restrict mu = j->mean, *restrict is = j->invstd, *restrict g = j->gamma, *restrict be = j->beta;
  const float al = j->alpha;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t m = b * rows + r;
    const float *restrict x = j->x + m * C;
    float *restrict o = j->out + m * C;
    if (j->pass == PASS_FORWARD) {
      for (int64_t c = 0; c < C; c++) {
        const float z = ((x[c] - mu[c]) * is[c]) * g[c] + be[c];
        o[c] = z < 0.0f ? al * z : z;
      }
    } else {
      const float *restrict dy = j->dy + m * C, *restrict k = j->coef;
      for (int64_t c = 0; c < C; c++) {
        const float xhat = (x[c] - mu[c]) * is[c];
        const float z = xhat * g[c] + be[c];
        const float dz = z > 0.0f ? dy[c] : al * dy[c];
        o[c] = ((dz - k[c]) - xhat * k[C + c]) * (g[c] * is[c]);
      }
    }
  }
}

/*
 * Each product and sum is rounded as the TF.js composition rounds it (never contracted into an
 * fma), so that the native and composed paths give the same floats and pre-activations near the
 * leaky ReLU's kink fall on the same side in both.
 */
__attribute__((optimize("fp-contract=off"))) static void *bn_thread(void *p) {
  const bn_job *j = (const bn_job *)p;
  for (int64_t b = j->b0; b < j->b1; b++) {
    if (j->pass == PASS_FORWARD || j->pass == PASS_GRAD_OUT) image_outputs(j, b);
    else image_sums(j, b, j->partial + b * 2 * j->C);
  }
  return NULL;
}

/* Runs one pass over the images; for the summing passes, total[2C] = Σ over images in order (float). */
static int run_pass(bn_job proto, int64_t B, float *total) {
  const int64_t C = proto.C;
  int T = B * proto.H * proto.W * C >= (1 << 15) ? parallel_threads : 1;
  if (T > B) T = (int)B;
  float *partial = total ? malloc((size_t)(B * 2 * C) * sizeof(float)) : NULL;
  float *scratch = malloc((size_t)(T * 4 * C) * sizeof(float));
  if ((total && !partial) || !scratch) {
    free(partial);
    free(scratch);
    return -1;
  }
  bn_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    bn_job j = proto;
    j.b0 = B * t / T;
    j.b1 = B * (t + 1) / T;
    j.partial = partial;
    j.scratch = scratch + t * 4 * C;
    jobs[t] = j;
  }
  parallel_run(bn_thread, jobs, sizeof *jobs, T);
  if (total) {
    for (int64_t c = 0; c < 2 * C; c++) total[c] = 0.0f;
    for (int64_t b = 0; b < B; b++)
      for (int64_t c = 0; c < 2 * C; c++) total[c] += partial[b * 2 * C + c];
  }
  free(partial);
  free(scratch);
  return 0;
}

static bn_job job(int pass, const float *x, int64_t H, int64_t W, int64_t C) {
  const bn_job j = {pass, x, NULL, NULL, NULL, NULL, NULL, NULL, 1.0f, NULL, NULL, NULL, 0, 0, H, W, C};
  return j;
}

int bn_moments(const float *x, int64_t B, int64_t H, int64_t W, int64_t C, float *mean, float *var) {
  float *total = malloc((size_t)(2 * C) * sizeof(float));
  if (!total) return -1;
  const float count = (float)(B * H * W);
  bn_job j = job(PASS_SUM, x, H, W, C);
  int rc = run_pass(j, B, total);
  if (rc == 0) {
    for (int64_t c = 0; c < C; c++) mean[c] = total[c] / count;
    j.pass = PASS_SQUARED_DEVIATION;
    j.mean = mean;
    rc = run_pass(j, B, total);
    if (rc == 0)
      for (int64_t c = 0; c < C; c++) var[c] = total[c] / count;
  }
  free(total);
  return rc;
}

int bn_forward(const float *x, const float *mean, const float *invstd, const float *gamma, const float *beta, float alpha, int64_t B,
               int64_t H, int64_t W, int64_t C, float *y) {
  bn_job j = job(PASS_FORWARD, x, H, W, C);
  j.mean = mean;
  j.invstd = invstd;
  j.gamma = gamma;
  j.beta = beta;
  j.alpha = alpha;
  j.out = y;
  return run_pass(j, B, NULL);
}

int bn_backward(const float *dy, const float *x, const float *mean, const float *invstd, const float *gamma, const float *beta,
                float alpha, int64_t B, int64_t H, int64_t W, int64_t C, float *dx, float *dgamma, float *dbeta) {
  float *total = malloc((size_t)(2 * C) * sizeof(float));
  if (!total) return -1;
  const float count = (float)(B * H * W);
  bn_job j = job(PASS_GRAD_SUMS, x, H, W, C);
  j.dy = dy;
  j.mean = mean;
  j.invstd = invstd;
  j.gamma = gamma;
  j.beta = beta;
  j.alpha = alpha;
  int rc = run_pass(j, B, total);
  if (rc == 0) {
    for (int64_t c = 0; c < C; c++) {
      dbeta[c] = total[c];
      dgamma[c] = total[C + c];
    }
    for (int64_t c = 0; c < 2 * C; c++) total[c] /= count; /* the float sums divided by the float count */
    j.pass = PASS_GRAD_OUT;
    j.coef = total;
    j.out = dx;
    rc = run_pass(j, B, NULL);
  }
  free(total);
  return rc;
}
