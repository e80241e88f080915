/*
 * @ebjdat/runtime native kernels, the N-API module: each entry reads its arguments, checks every
 * operand's byte range against the memory, then calls a kernel that knows nothing of N-API. The
 * tensors live in the TF.js wasm backend's heap: the addon reads and writes the wasm memory's
 * ArrayBuffer in place, no copies.
 *
 *   settings.c       environment (EBJDAT_THREADS, EBJDAT_CHUNK_FLOATS, EBJDAT_BLAS), configure()
 *   parallel.c       thread count and the fan-out every kernel uses
 *   blas.c           SGEMM from a BLAS found at run time (dlopen), else sgemm_builtin.c
 *   sgemm_builtin.c  the portable blocked SGEMM
 *   im2col.c         convolution geometry, im2col / col2im
 *   conv2d.c         forward, input- and filter-gradient passes over one chunk loop
 *   conv_dnnl.c      the same passes on oneDNN's convolution primitives, when libdnnl 2.x is loaded
 *   elementwise.c    leaky ReLU, its gradient, bias + activation
 *   binary.c         add, subtract, multiply with per-channel and scalar broadcasting
 *   affine.c         eval-mode batch norm + leaky ReLU in one pass, and its input gradient
 *   batch_norm.c     train-mode batch norm: batch moments, backward pass through them
 *   column_sum.c     sums over the axes just before the last
 * Spec: foundation issue section 2 (kernels) and issue 6 (speed).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <string.h>

#include "affine.h"
#include "batch_norm.h"
#include "binary.h"
#include "blas.h"
#include "column_sum.h"
#include "conv2d.h"
#include "conv_dnnl.h"
#include "elementwise.h"
#include "parallel.h"
#include "settings.h"
#include "signals.h"

#define CHECK(call)                                                             \
  do {                                                                          \
    if ((call) != napi_ok) {                                                    \
      napi_throw_error(env, NULL, "ebjdat_native: N-API call failed: " #call); \
      return NULL;                                                              \
    }                                                                           \
  } while (0)

/* Every kernel entry takes (memory: ArrayBuffer, offsets: number[] (bytes), dims: number[], [alpha: number]). */
typedef struct {
  float *mem;
  size_t bytes;
  int64_t off[12];
  int64_t dim[16];
  double alpha;
} call_args;

static int read_i64_array(napi_env env, napi_value arr, int64_t *out, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (napi_get_element(env, arr, i, &v) != napi_ok || napi_get_value_int64(env, v, &out[i]) != napi_ok) return -1;
  }
  return 0;
}

/* Reads the arguments; on bad input throws a TypeError naming what was expected and returns -1. */
static int read_call(napi_env env, napi_callback_info info, uint32_t nOff, uint32_t nDim, const char *usage, call_args *c) {
  settings_init();
  size_t argc = 4;
  napi_value argv[4];
  bool isAb = false;
  memset(c, 0, sizeof *c);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_is_arraybuffer(env, argv[0], &isAb) != napi_ok ||
      !isAb || napi_get_arraybuffer_info(env, argv[0], (void **)&c->mem, &c->bytes) != napi_ok ||
      read_i64_array(env, argv[1], c->off, nOff) != 0 || read_i64_array(env, argv[2], c->dim, nDim) != 0 ||
      (argc >= 4 && napi_get_value_double(env, argv[3], &c->alpha) != napi_ok)) {
    napi_throw_type_error(env, NULL, usage);
    return -1;
  }
  return 0;
}

/* true when `count` floats at byte offset `off` lie inside the memory */
static int in_bounds(const call_args *c, int64_t off, int64_t count) {
  return off >= 0 && off % 4 == 0 && count >= 0 && (uint64_t)(off + count * 4) <= c->bytes;
}

/* The operand at byte offset `off` (checked by in_bounds). */
static float *operand(const call_args *c, int64_t off) { return c->mem + off / 4; }

static napi_value out_of_bounds(napi_env env) {
  napi_throw_range_error(env, NULL, "ebjdat_native: an operand lies outside the memory buffer");
  return NULL;
}

static napi_value out_of_memory(napi_env env, const char *what) {
  napi_throw_error(env, NULL, what);
  return NULL;
}

/* ---------- convolutions ---------- */

typedef int (*conv_pass)(const conv_geom *g, const float *a, const float *b, float *out);

/* conv(memory: ArrayBuffer, offsets: [a, b, out] (bytes), geom: [N,H,W,Ci,KH,KW,Co,OH,OW,sh,sw,pt,pl]) */
static napi_value conv_entry(napi_env env, napi_callback_info info, int which) {
  call_args c;
  if (read_call(env, info, 3, 13, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [3], geometry: [13])", &c)) return NULL;
  const int64_t *geo = c.dim;
  const conv_geom g = {geo[0], geo[1], geo[2], geo[3], geo[4], geo[5], geo[6], geo[7], geo[8], geo[9], geo[10], geo[11], geo[12]};
  const int64_t xs = g.N * g.H * g.W * g.Ci, ws = g.KH * g.KW * g.Ci * g.Co, ys = g.N * g.OH * g.OW * g.Co;
  /* operands and their sizes per pass: forward (x, w -> y), input grad (dy, w -> dx), filter grad (x, dy -> dw) */
  static const conv_pass passes[3] = {conv2d_forward, conv2d_backprop_input, conv2d_backprop_filter};
  const int64_t sizes[3][3] = {{xs, ws, ys}, {ys, ws, xs}, {xs, ys, ws}};
  for (int i = 0; i < 3; i++) {
    if (!in_bounds(&c, c.off[i], sizes[which][i])) return out_of_bounds(env);
  }
  if (passes[which](&g, operand(&c, c.off[0]), operand(&c, c.off[1]), operand(&c, c.off[2])) != 0)
    return out_of_memory(env, "ebjdat_native: out of memory for the convolution patches");
  return NULL;
}

static napi_value conv2d_entry(napi_env env, napi_callback_info info) { return conv_entry(env, info, 0); }
static napi_value conv2d_backprop_input_entry(napi_env env, napi_callback_info info) { return conv_entry(env, info, 1); }
static napi_value conv2d_backprop_filter_entry(napi_env env, napi_callback_info info) { return conv_entry(env, info, 2); }

/* ---------- element-wise ---------- */

/* leakyRelu(memory, [x, y], [n], alpha): y = x < 0 ? alpha*x : x;
   leakyReluGrad(memory, [dy, x, dx], [n], alpha): dx = x > 0 ? dy : alpha*dy */
static napi_value leaky_entry(napi_env env, napi_callback_info info, int grad) {
  call_args c;
  const int k = grad ? 3 : 2;
  if (read_call(env, info, (uint32_t)k, 1, "ebjdat_native: expected (memory: ArrayBuffer, offsets, [n], alpha)", &c)) return NULL;
  const int64_t n = c.dim[0];
  for (int i = 0; i < k; i++) {
    if (!in_bounds(&c, c.off[i], n)) return out_of_bounds(env);
  }
  if (grad) leaky_relu_grad(operand(&c, c.off[0]), operand(&c, c.off[1]), operand(&c, c.off[2]), n, (float)c.alpha);
  else leaky_relu(operand(&c, c.off[0]), operand(&c, c.off[1]), n, (float)c.alpha);
  return NULL;
}

static napi_value leaky_relu_entry(napi_env env, napi_callback_info info) { return leaky_entry(env, info, 0); }
static napi_value leaky_relu_grad_entry(napi_env env, napi_callback_info info) { return leaky_entry(env, info, 1); }

/* columnSum(memory, [x, out], [outer, R, C]): out[o, c] = sum_r x[o, r, c] */
static napi_value column_sum_entry(napi_env env, napi_callback_info info) {
  call_args c;
  if (read_call(env, info, 2, 3, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [x, out], [outer, R, C])", &c)) return NULL;
  const int64_t O = c.dim[0], R = c.dim[1], C = c.dim[2];
  if (O < 1 || R < 1 || C < 1 || !in_bounds(&c, c.off[0], O * R * C) || !in_bounds(&c, c.off[1], O * C)) return out_of_bounds(env);
  if (column_sum(operand(&c, c.off[0]), operand(&c, c.off[1]), O, R, C) != 0) return out_of_memory(env, "ebjdat_native: out of memory");
  return NULL;
}

/* biasActivation(memory, [yOff, biasOff (-1: none)], [M, C, act (0 linear, 1 relu, 2 relu6, 3 leakyrelu)], alpha):
   y[m, c] = act(y[m, c] + bias[c]) in place */
static napi_value bias_activation_entry(napi_env env, napi_callback_info info) {
  call_args c;
  if (read_call(env, info, 2, 3, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [y, bias or -1], [M, C, act], alpha)", &c)) return NULL;
  const int64_t M = c.dim[0], C = c.dim[1], act = c.dim[2];
  if (!in_bounds(&c, c.off[0], M * C) || (c.off[1] != -1 && !in_bounds(&c, c.off[1], C))) return out_of_bounds(env);
  bias_activation(operand(&c, c.off[0]), c.off[1] >= 0 ? operand(&c, c.off[1]) : NULL, M, C, act, (float)c.alpha);
  return NULL;
}

/* binary(memory, [a, b, out], [op (0 add, 1 sub, 2 mul), aMode, bMode (0 full [M, C], 1 row [C], 2 scalar), M, C]) */
static napi_value binary_entry(napi_env env, napi_callback_info info) {
  call_args c;
  if (read_call(env, info, 3, 5, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [a, b, out], [op, aMode, bMode, M, C])", &c)) return NULL;
  const int64_t op = c.dim[0], aMode = c.dim[1], bMode = c.dim[2], M = c.dim[3], C = c.dim[4];
  if (op < 0 || op > 2 || aMode < 0 || aMode > 2 || bMode < 0 || bMode > 2 || M < 1 || C < 1) {
    napi_throw_range_error(env, NULL, "ebjdat_native: binary expects op 0-2, operand modes 0-2 and M, C >= 1");
    return NULL;
  }
  const int64_t modes[2] = {aMode, bMode};
  for (int i = 0; i < 2; i++) {
    const int64_t n = modes[i] == OPERAND_FULL ? M * C : modes[i] == OPERAND_ROW ? C : 1;
    if (!in_bounds(&c, c.off[i], n)) return out_of_bounds(env);
  }
  if (!in_bounds(&c, c.off[2], M * C)) return out_of_bounds(env);
  binary_op((int)op, operand(&c, c.off[0]), (int)aMode, operand(&c, c.off[1]), (int)bMode, operand(&c, c.off[2]), M, C);
  return NULL;
}

/* affineLeakyRelu(memory, [x, scale, shift, y], [M, C], alpha): y = lrelu(x*scale + shift);
   affineLeakyReluGrad(memory, [dy, x, scale, shift, dx], [M, C], alpha): dx = lrelu'(z)*dy*scale */
static napi_value affine_entry(napi_env env, napi_callback_info info, int grad) {
  call_args c;
  const int k = grad ? 5 : 4;
  if (read_call(env, info, (uint32_t)k, 2, "ebjdat_native: expected (memory: ArrayBuffer, offsets, [M, C], alpha)", &c)) return NULL;
  const int64_t M = c.dim[0], C = c.dim[1];
  if (M < 1 || C < 1) return out_of_bounds(env);
  const int64_t *o = c.off;
  const int64_t sizes[2][5] = {{M * C, C, C, M * C, 0}, {M * C, M * C, C, C, M * C}};
  for (int i = 0; i < k; i++) {
    if (!in_bounds(&c, o[i], sizes[grad][i])) return out_of_bounds(env);
  }
  if (grad) affine_leaky_relu_grad(operand(&c, o[0]), operand(&c, o[1]), operand(&c, o[2]), operand(&c, o[3]), operand(&c, o[4]), M, C, (float)c.alpha);
  else affine_leaky_relu(operand(&c, o[0]), operand(&c, o[1]), operand(&c, o[2]), operand(&c, o[3]), M, C, (float)c.alpha);
  return NULL;
}

static napi_value affine_leaky_relu_entry(napi_env env, napi_callback_info info) { return affine_entry(env, info, 0); }
static napi_value affine_leaky_relu_grad_entry(napi_env env, napi_callback_info info) { return affine_entry(env, info, 1); }

/* Reads [B, H, W, C] of a train-mode batch-norm call; throws and returns -1 unless all are >= 1. */
static int bn_dims(napi_env env, const call_args *c, int64_t *B, int64_t *H, int64_t *W, int64_t *C) {
  *B = c->dim[0], *H = c->dim[1], *W = c->dim[2], *C = c->dim[3];
  if (*B < 1 || *H < 1 || *W < 1 || *C < 1) {
    napi_throw_range_error(env, NULL, "ebjdat_native: batch norm expects dims [B, H, W, C], each >= 1");
    return -1;
  }
  return 0;
}

/* Checks each operand: k offsets, full (1) or per-channel (0). */
static int bn_operands_in_bounds(const call_args *c, const int *full, int k, int64_t M, int64_t C) {
  for (int i = 0; i < k; i++) {
    if (!in_bounds(c, c->off[i], full[i] ? M * C : C)) return 0;
  }
  return 1;
}

/* bnMoments(memory, [x, mean, var], [B, H, W, C]): the biased batch moments per channel */
static napi_value bn_moments_entry(napi_env env, napi_callback_info info) {
  call_args c;
  int64_t B, H, W, C;
  if (read_call(env, info, 3, 4, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [x, mean, var], [B, H, W, C])", &c) || bn_dims(env, &c, &B, &H, &W, &C)) return NULL;
  static const int full[3] = {1, 0, 0};
  if (!bn_operands_in_bounds(&c, full, 3, B * H * W, C)) return out_of_bounds(env);
  if (bn_moments(operand(&c, c.off[0]), B, H, W, C, operand(&c, c.off[1]), operand(&c, c.off[2])) != 0) return out_of_memory(env, "ebjdat_native: out of memory");
  return NULL;
}

/* bnForward(memory, [x, mean, invstd, gamma, beta, y], [B, H, W, C], alpha) */
static napi_value bn_forward_entry(napi_env env, napi_callback_info info) {
  call_args c;
  int64_t B, H, W, C;
  if (read_call(env, info, 6, 4, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [x, mean, invstd, gamma, beta, y], [B, H, W, C], alpha)", &c) ||
      bn_dims(env, &c, &B, &H, &W, &C))
    return NULL;
  static const int full[6] = {1, 0, 0, 0, 0, 1};
  if (!bn_operands_in_bounds(&c, full, 6, B * H * W, C)) return out_of_bounds(env);
  const int64_t *o = c.off;
  if (bn_forward(operand(&c, o[0]), operand(&c, o[1]), operand(&c, o[2]), operand(&c, o[3]), operand(&c, o[4]), (float)c.alpha, B, H, W, C, operand(&c, o[5])) != 0)
    return out_of_memory(env, "ebjdat_native: out of memory");
  return NULL;
}

/* bnBackward(memory, [dy, x, mean, invstd, gamma, beta, dx, dgamma, dbeta], [B, H, W, C], alpha) */
static napi_value bn_backward_entry(napi_env env, napi_callback_info info) {
  call_args c;
  int64_t B, H, W, C;
  if (read_call(env, info, 9, 4, "ebjdat_native: expected (memory: ArrayBuffer, offsets: [dy, x, mean, invstd, gamma, beta, dx, dgamma, dbeta], [B, H, W, C], alpha)", &c) ||
      bn_dims(env, &c, &B, &H, &W, &C))
    return NULL;
  static const int full[9] = {1, 1, 0, 0, 0, 0, 1, 0, 0};
  if (!bn_operands_in_bounds(&c, full, 9, B * H * W, C)) return out_of_bounds(env);
  const int64_t *o = c.off;
  if (bn_backward(operand(&c, o[0]), operand(&c, o[1]), operand(&c, o[2]), operand(&c, o[3]), operand(&c, o[4]), operand(&c, o[5]), (float)c.alpha, B, H, W, C,
                  operand(&c, o[6]), operand(&c, o[7]), operand(&c, o[8])) != 0)
    return out_of_memory(env, "ebjdat_native: out of memory");
  return NULL;
}

/* ---------- settings ---------- */

/* info(): { blas, conv, threads, signalThread } */
static napi_value info_entry(napi_env env, napi_callback_info info) {
  (void)info;
  settings_init();
  napi_value obj, blas, threads;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_string_utf8(env, blas_name(), NAPI_AUTO_LENGTH, &blas));
  CHECK(napi_create_int32(env, parallel_threads, &threads));
  CHECK(napi_set_named_property(env, obj, "blas", blas));
  napi_value conv;
  CHECK(napi_create_string_utf8(env, conv_dnnl_describe(), NAPI_AUTO_LENGTH, &conv));
  CHECK(napi_set_named_property(env, obj, "conv", conv));
  CHECK(napi_set_named_property(env, obj, "threads", threads));
  napi_value routed;
  CHECK(napi_get_boolean(env, signals_routed(), &routed));
  CHECK(napi_set_named_property(env, obj, "signalThread", routed));
  return obj;
}

/* configure(blas: "auto" | "builtin" | library path, threads: number (0 = keep), [conv: "auto" | "dnnl" | "im2col"]): info() */
static napi_value configure_entry(napi_env env, napi_callback_info info) {
  settings_init();
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[400] = "auto";
  size_t len = 0;
  if (argc >= 1) {
    napi_valuetype t;
    CHECK(napi_typeof(env, argv[0], &t));
    if (t == napi_string) CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  }
  int32_t threads = 0;
  if (argc >= 2) CHECK(napi_get_value_int32(env, argv[1], &threads));
  if (settings_configure(name, threads) != 0) {
    napi_throw_error(env, NULL, "ebjdat_native: the BLAS library could not be loaded or has no dnnl_sgemm/cblas_sgemm");
    return NULL;
  }
  char conv[16] = "";
  if (argc >= 3) CHECK(napi_get_value_string_utf8(env, argv[2], conv, sizeof conv, &len));
  if (*conv && conv_dnnl_set_mode(conv) != 0) {
    napi_throw_error(env, NULL, "ebjdat_native: conv must be \"auto\", \"dnnl\" or \"im2col\"");
    return NULL;
  }
  return info_entry(env, info);
}

static napi_value init(napi_env env, napi_value exports) {
  signals_route();
  napi_property_descriptor props[] = {
      {"info", NULL, info_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"leakyRelu", NULL, leaky_relu_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"leakyReluGrad", NULL, leaky_relu_grad_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"columnSum", NULL, column_sum_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"biasActivation", NULL, bias_activation_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bnMoments", NULL, bn_moments_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bnForward", NULL, bn_forward_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bnBackward", NULL, bn_backward_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"affineLeakyRelu", NULL, affine_leaky_relu_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"affineLeakyReluGrad", NULL, affine_leaky_relu_grad_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"configure", NULL, configure_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2d", NULL, conv2d_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, conv2d_backprop_input_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_backprop_filter_entry, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof *props, props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
