/*
 * Train-mode batch norm of float32 NHWC operands [B, H, W, C] (M = B·H·W values per channel):
 * the batch moments, and the forward and backward passes of y = LeakyReLU_α(x̂·γ + β) with
 * x̂ = (x − μ)·invstd through the batch statistics. Every per-channel sum is staged as the TF.js
 * composition stages it (float sums over W, then over H, then over B, each in order), and every
 * element rounded as there, so that both paths give the same floats. Split over parallel_threads
 * by images. Return 0, or -1 when out of memory.
 */
#ifndef EBJDAT_BATCH_NORM_H
#define EBJDAT_BATCH_NORM_H

#include <stdint.h>

/* mean[c] = Σ_m x[m, c] / M, var[c] = Σ_m (x[m, c] − mean[c])² / M (biased; two passes). */
int bn_moments(const float *x, int64_t B, int64_t H, int64_t W, int64_t C, float *mean, float *var);

/*
 * y = LeakyReLU_α(z), z = x̂·γ + β, x̂ = (x − μ)·invstd (each step rounded as TF.js ops round it).
 */
int bn_forward(const float *x, const float *mean, const float *invstd, const float *gamma, const float *beta, float alpha, int64_t B,
               int64_t H, int64_t W, int64_t C, float *y);

/*
 * dz = z > 0 ? dy : α·dy with z as in bn_forward; dbeta[c] = Σ dz, dgamma[c] = Σ dz·x̂,
 * dx = (dz − dbeta/M − x̂·dgamma/M)·γ·invstd (the analytic batch-norm gradient through the batch
 * statistics).
 */
int bn_backward(const float *dy, const float *x, const float *mean, const float *invstd, const float *gamma, const float *beta,
                float alpha, int64_t B, int64_t H, int64_t W, int64_t C, float *dx, float *dgamma, float *dbeta);

#endif
