/*
 * The per-channel affine map of an eval-mode batch norm followed by a leaky ReLU, in one pass:
 * z = x·scale[c] + shift[c] (one rounding, fmaf), y = z < 0 ? alpha·z : z (alpha = 1: the affine
 * map alone), on float32 operands viewed as M rows of C channels; and its input gradient.
 * Split over parallel_threads by rows.
 */
#ifndef EBJDAT_AFFINE_H
#define EBJDAT_AFFINE_H

#include <stdint.h>

/* y[m, c] = lrelu_alpha(fmaf(x[m, c], scale[c], shift[c])) (threads from M·C >= 32768). */
void affine_leaky_relu(const float *x, const float *scale, const float *shift, float *y, int64_t M, int64_t C, float alpha);

/* dx[m, c] = (z > 0 ? dy : alpha·dy)·scale[c] with z = fmaf(x[m, c], scale[c], shift[c]). */
void affine_leaky_relu_grad(const float *dy, const float *x, const float *scale, const float *shift, float *dx, int64_t M, int64_t C,
                            float alpha);

#endif
