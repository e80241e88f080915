/* The three convolution passes of conv2d.h over one shared chunk loop. */
#include "conv2d.h"

#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "conv_dnnl.h"
#include "parallel.h"

int64_t conv2d_chunk_floats = 1 << 22;

/* The operands a pass's SGEMM reads besides the patches, and its output (unused ones are NULL). */
typedef struct {
  const float *w, *dy;
  float *out;
} conv_operands;

/* One chunk of images [n0, n0 + m / (OH·OW)): its m patch rows col [m, K]. */
typedef struct {
  int64_t n0, m;
  float *col;
} conv_chunk;

typedef void (*chunk_gemm)(const conv_geom *g, const conv_operands *o, const conv_chunk *c);

/* A pointwise conv (1x1, stride 1, no padding) needs no patches: col is x itself. */
static int is_pointwise(const conv_geom *g) {
  return g->KH == 1 && g->KW == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pl == 0;
}

/* Images per chunk so that one chunk's patches take at most conv2d_chunk_floats. */
static int64_t chunk_images(const conv_geom *g) {
  const int64_t perImage = im2col_floats_per_image(g);
  int64_t c = perImage > 0 ? conv2d_chunk_floats / perImage : g->N;
  if (c < parallel_threads) c = parallel_threads;
  if (c > g->N) c = g->N;
  return c;
}

/* The patch buffer, kept between calls and grown when needed; NULL when out of memory. */
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

/*
 * Runs `gemm` on each chunk of images. A pass names the operand its patches come from or go to:
 * `gather` (im2col of it into col before the gemm) or `scatter` (zeroed, then col2im of col into
 * it after the gemm). A pointwise conv is one chunk of the whole batch whose col is that operand
 * itself (no copy, no scatter).
 */
static int each_chunk(const conv_geom *g, const conv_operands *o, const float *gather, float *scatter, chunk_gemm gemm) {
  const int64_t rows = g->OH * g->OW;
  if (is_pointwise(g)) {
    const conv_chunk all = {0, g->N * rows, gather ? (float *)gather : scatter};
    gemm(g, o, &all);
    return 0;
  }
  const int64_t cn = chunk_images(g);
  float *col = scratch((size_t)(cn * im2col_floats_per_image(g)));
  if (!col) return -1;
  if (scatter) memset(scatter, 0, (size_t)(g->N * g->H * g->W * g->Ci) * sizeof(float));
  for (int64_t n0 = 0; n0 < g->N; n0 += cn) {
    const int64_t n1 = n0 + cn < g->N ? n0 + cn : g->N;
    const conv_chunk c = {n0, (n1 - n0) * rows, col};
    if (gather) im2col(g, gather, col, n0, n1);
    gemm(g, o, &c);
    if (scatter) col2im(g, col, scatter, n0, n1);
  }
  return 0;
}

static int64_t patch_width(const conv_geom *g) { return g->KH * g->KW * g->Ci; }

/* The chunk's rows of an [M, Co] operand (y or dy). */
static int64_t out_rows_offset(const conv_geom *g, const conv_chunk *c) { return c->n0 * g->OH * g->OW * g->Co; }

/* y[chunk] = col · W */
static void forward_gemm(const conv_geom *g, const conv_operands *o, const conv_chunk *c) {
  const int64_t K = patch_width(g);
  sgemm(0, 0, c->m, g->Co, K, 1.0f, c->col, K, o->w, g->Co, 0.0f, o->out + out_rows_offset(g, c), g->Co);
}

/* col = dy[chunk] · Wᵀ */
static void input_gemm(const conv_geom *g, const conv_operands *o, const conv_chunk *c) {
  const int64_t K = patch_width(g);
  sgemm(0, 1, c->m, K, g->Co, 1.0f, o->dy + out_rows_offset(g, c), g->Co, o->w, g->Co, 0.0f, c->col, K);
}

/* dW (+)= colᵀ · dy[chunk], accumulated over the chunks */
static void filter_gemm(const conv_geom *g, const conv_operands *o, const conv_chunk *c) {
  const int64_t K = patch_width(g);
  sgemm(1, 0, K, g->Co, c->m, 1.0f, c->col, K, o->dy + out_rows_offset(g, c), g->Co, c->n0 == 0 ? 0.0f : 1.0f, o->out,
        g->Co);
}

/* Each pass runs on oneDNN's convolution primitive when conv_dnnl.h can, else im2col + SGEMM. */

int conv2d_forward(const conv_geom *g, const float *x, const float *w, float *y) {
  if (conv_dnnl_forward(g, x, w, y) == 0) return 0;
  const conv_operands o = {w, NULL, y};
  return each_chunk(g, &o, /* gather */ x, /* scatter */ NULL, forward_gemm);
}

int conv2d_backprop_input(const conv_geom *g, const float *dy, const float *w, float *dx) {
  if (conv_dnnl_backprop_input(g, dy, w, dx) == 0) return 0;
  const conv_operands o = {w, dy, dx};
  return each_chunk(g, &o, /* gather */ NULL, /* scatter */ dx, input_gemm);
}

int conv2d_backprop_filter(const conv_geom *g, const float *x, const float *dy, float *dw) {
  if (conv_dnnl_backprop_filter(g, x, dy, dw) == 0) return 0;
  const conv_operands o = {NULL, dy, dw};
  return each_chunk(g, &o, /* gather */ x, /* scatter */ NULL, filter_gemm);
}
