/*
 * Convolution geometry and the patch matrix: im2col gathers the input patches of a range of
 * images into col, col2im scatter-adds patch gradients back (NHWC, dilation 1).
 */
#ifndef EBJDAT_IM2COL_H
#define EBJDAT_IM2COL_H

#include <stdint.h>

/* x [N,H,W,Ci], filter [KH,KW,Ci,Co], y [N,OH,OW,Co], strides sh/sw, padding top pt / left pl. */
typedef struct {
  int64_t N, H, W, Ci, KH, KW, Co, OH, OW, sh, sw, pt, pl;
} conv_geom;

/* Floats in one image's patches: OH·OW rows of K = KH·KW·Ci. */
int64_t im2col_floats_per_image(const conv_geom *g);

/* col[(n - n0)·OH·OW + oh·OW + ow, (kh·KW + kw)·Ci + ci] = x[n, oh·sh - pt + kh, ow·sw - pl + kw, ci]
   (0 in the padding) for the images n in [n0, n1), split by image over parallel_threads. */
void im2col(const conv_geom *g, const float *x, float *col, int64_t n0, int64_t n1);

/* The adjoint of im2col: dx[n, h, w, ci] += every col entry im2col would read from there, for
   the images n in [n0, n1) (dx must be zeroed first), split by image over parallel_threads. */
void col2im(const conv_geom *g, const float *col, float *dx, int64_t n0, int64_t n1);

#endif
