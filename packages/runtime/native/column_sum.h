/* Column sums: a Sum over the axes just before the last (batch-norm statistics, bias gradients). */
#ifndef EBJDAT_COLUMN_SUM_H
#define EBJDAT_COLUMN_SUM_H

#include <stdint.h>

/*
 * out[o, c] = Σ_r x[o, r, c] for x [O, R, C]: float sums of blocks of 256 rows added up in
 * double, split over parallel_threads (over o, or over r when O == 1) from 65536 elements.
 * Returns 0, or -1 when out of memory.
 */
int column_sum(const float *x, float *out, int64_t O, int64_t R, int64_t C);

#endif
