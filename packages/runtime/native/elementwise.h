/* Element-wise kernels of the native addon on float32 arrays, split over parallel_threads. */
#ifndef EBJDAT_ELEMENTWISE_H
#define EBJDAT_ELEMENTWISE_H

#include <stdint.h>

/* y[i] = x[i] < 0 ? alpha·x[i] : x[i], i < n (threads from n >= 65536). */
void leaky_relu(const float *x, float *y, int64_t n, float alpha);

/* dx[i] = x[i] > 0 ? dy[i] : alpha·dy[i], i < n (threads from n >= 65536). */
void leaky_relu_grad(const float *dy, const float *x, float *dx, int64_t n, float alpha);

/* Activations of bias_activation. */
enum { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_LEAKY_RELU = 3 };

/* y[m, c] = act(y[m, c] + bias[c]) in place for m < M, c < C (bias NULL: none; one thread). */
void bias_activation(float *y, const float *bias, int64_t M, int64_t C, int64_t act, float alpha);

#endif
