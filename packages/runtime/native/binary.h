/*
 * Binary arithmetic of the native addon on float32 operands viewed as M rows of C columns, each
 * operand either full ([M, C]), one row broadcast over the rows ([C]: a per-channel vector of an
 * NHWC tensor) or a scalar: the shapes TF.js's `Add`, `Sub` and `Multiply` meet in a network
 * (residual sums, batch-norm scale and shift, bias adds). Split over parallel_threads by rows.
 */
#ifndef EBJDAT_BINARY_H
#define EBJDAT_BINARY_H

#include <stdint.h>

enum { BINARY_ADD = 0, BINARY_SUB = 1, BINARY_MUL = 2 };

/* How an operand is indexed: [m, c], [c] or [0]. */
enum { OPERAND_FULL = 0, OPERAND_ROW = 1, OPERAND_SCALAR = 2 };

/* out[m, c] = a(m, c) op b(m, c) for m < M, c < C (threads from M·C >= 32768). */
void binary_op(int op, const float *a, int aMode, const float *b, int bMode, float *out, int64_t M, int64_t C);

#endif
