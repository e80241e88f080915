/*
 * 2-D convolution forward and gradients (NHWC, dilation 1) as im2col + one SGEMM per chunk of
 * images, or on oneDNN's convolution primitives when conv_dnnl.h runs them. Row-major layouts: x [N,H,W,Ci], W [KH,KW,Ci,Co] = [K,Co] with K = KH·KW·Ci,
 * y / dy [N,OH,OW,Co] = [M,Co] with M = N·OH·OW, col [M,K] (im2col.h).
 *   forward:          y  = col · W
 *   input gradient:   dx = col2im(dy · Wᵀ)
 *   filter gradient:  dW = colᵀ · dy
 * Each returns 0, or -1 when the patch buffer cannot be allocated.
 */
#ifndef EBJDAT_CONV2D_H
#define EBJDAT_CONV2D_H

#include <stdint.h>

#include "im2col.h"

/* Patch floats per chunk of images (EBJDAT_CHUNK_FLOATS, default 4M; set by settings.c). */
extern int64_t conv2d_chunk_floats;

int conv2d_forward(const conv_geom *g, const float *x, const float *w, float *y);
int conv2d_backprop_input(const conv_geom *g, const float *dy, const float *w, float *dx);
int conv2d_backprop_filter(const conv_geom *g, const float *x, const float *dy, float *dw);

#endif
