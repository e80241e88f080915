/*
 * The convolution passes of conv2d.h on oneDNN's own convolution primitives (forward,
 * backward-data, backward-weights), when the BLAS blas.c loaded is oneDNN 2.x (libdnnl.so.2):
 * NHWC activations used in place, the HWIO filter reordered to the primitive's layout. Needs no
 * oneDNN header at build time (the few declarations it uses are its own) and nothing at run time:
 * each pass returns -1 whenever it did not run (no oneDNN 2.x, switched off, a geometry or
 * primitive oneDNN refuses), and conv2d.c then runs im2col + SGEMM.
 *
 * Which path runs: EBJDAT_CONV = auto (default: oneDNN where loaded) | dnnl | im2col, or
 * conv_dnnl_set_mode (setNativeKernels({ conv })). One JavaScript thread calls the passes, one
 * at a time; oneDNN's OpenMP threads do the work (blas_set_threads sets how many).
 */
#ifndef EBJDAT_CONV_DNNL_H
#define EBJDAT_CONV_DNNL_H

#include "im2col.h"

/* "auto", "dnnl" or "im2col" (NULL or "": auto); 0, or -1 for any other name (mode unchanged). */
int conv_dnnl_set_mode(const char *mode);

/* What runs the convolutions, for nativeKernels().conv: "dnnl primitives (libdnnl.so.2 2.6.3)",
   or "im2col + <blas_name()>" with, when oneDNN was asked for but cannot run, why. */
const char *conv_dnnl_describe(void);

/* The passes of conv2d.h (same operands); 0 when oneDNN computed the output, else -1 with the
   output possibly written in part (the caller recomputes all of it). */
int conv_dnnl_forward(const conv_geom *g, const float *x, const float *w, float *y);
int conv_dnnl_backprop_input(const conv_geom *g, const float *dy, const float *w, float *dx);
int conv_dnnl_backprop_filter(const conv_geom *g, const float *x, const float *dy, float *dw);

#endif
