/* im2col / col2im of im2col.h. */
#include "im2col.h"

#include <string.h>

#include "parallel.h"

int64_t im2col_floats_per_image(const conv_geom *g) { return g->OH * g->OW * g->KH * g->KW * g->Ci; }

/* Patches of images [n0, n1) into col (rows (n, oh, ow) from image n0, K = KH*KW*Ci columns). */
static void gather(const conv_geom *g, const float *x, float *col, int64_t n0, int64_t n1) {
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

/* dx[n0..n1) += scatter of the patch gradients. */
static void scatter(const conv_geom *g, const float *col, float *dx, int64_t n0, int64_t n1) {
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

/* One thread's images [n0, n1) of a call on the images from `base`. */
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
  float *col = j->col + (j->n0 - j->base) * im2col_floats_per_image(j->g);
  if (j->scatter) scatter(j->g, col, j->dx, j->n0, j->n1);
  else gather(j->g, j->x, col, j->n0, j->n1);
  return NULL;
}

static void by_image(const conv_geom *g, const float *x, float *col, float *dx, int64_t n0, int64_t n1, int scatter) {
  int T = parallel_threads;
  if (n1 - n0 < T) T = (int)(n1 - n0);
  if (T < 1) T = 1;
  patch_job jobs[PARALLEL_MAX];
  for (int t = 0; t < T; t++) {
    patch_job j = {g, x, col, dx, n0, n0 + (n1 - n0) * t / T, n0 + (n1 - n0) * (t + 1) / T, scatter};
    jobs[t] = j;
  }
  parallel_run(patch_thread, jobs, sizeof *jobs, T);
}

void im2col(const conv_geom *g, const float *x, float *col, int64_t n0, int64_t n1) { by_image(g, x, col, NULL, n0, n1, 0); }

void col2im(const conv_geom *g, const float *col, float *dx, int64_t n0, int64_t n1) {
  by_image(g, NULL, (float *)col, dx, n0, n1, 1);
}
