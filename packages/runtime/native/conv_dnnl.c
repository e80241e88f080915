/* The oneDNN convolution primitives of conv_dnnl.h. */
#include "conv_dnnl.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "blas.h"

/* ---------- the part of oneDNN 2.x's C API used here (our own declarations of its ABI) ---------- */

typedef void *dnnl_obj;        /* engine, stream, primitive descriptor, primitive, memory: opaque handles */
typedef int64_t dnnl_dims[12]; /* dnnl_dims_t: DNNL_MAX_NDIMS = 12 */
/* dnnl_memory_desc_t (696 bytes in 2.6) and dnnl_convolution_desc_t (5976 bytes) are structs the
   library fills and reads through a pointer; we never look inside, so any aligned buffer at
   least that large will do (the version check below keeps 3.x, whose API differs, out). */
typedef struct {
  _Alignas(64) unsigned char bytes[1024];
} dnnl_md;
typedef struct {
  _Alignas(64) unsigned char bytes[8192];
} dnnl_conv_desc;
typedef struct {
  int arg;
  dnnl_obj memory;
} dnnl_exec_arg;
typedef struct {
  int major, minor, patch;
  const char *hash;
  unsigned cpu_runtime, gpu_runtime;
} dnnl_version_info;

enum {
  DNNL_SUCCESS = 0,
  DNNL_F32 = 3,                    /* dnnl_data_type_t */
  DNNL_TAG_ANY = 1,                /* dnnl_format_tag_t: the primitive chooses */
  DNNL_TAG_NHWC = 20,              /* activations, logical dims {N, C, H, W} */
  DNNL_TAG_HWIO = 30,              /* filters, logical dims {O, I, H, W} */
  DNNL_FORWARD_TRAINING = 64,      /* dnnl_prop_kind_t */
  DNNL_BACKWARD_DATA = 160,
  DNNL_BACKWARD_WEIGHTS = 192,
  DNNL_CONVOLUTION_DIRECT = 1,     /* dnnl_alg_kind_t */
  DNNL_ENGINE_CPU = 1,             /* dnnl_engine_kind_t */
  DNNL_STREAM_IN_ORDER = 1,        /* dnnl_stream_flags_t */
  DNNL_QUERY_WEIGHTS_MD = 131,     /* dnnl_query_t */
  DNNL_QUERY_DIFF_WEIGHTS_MD = 132,
  DNNL_ARG_SRC = 1,                /* execution arguments; a reorder's FROM/TO are SRC/DST */
  DNNL_ARG_DST = 17,
  DNNL_ARG_WEIGHTS = 33,
  DNNL_ARG_DIFF_SRC = 129,
  DNNL_ARG_DIFF_DST = 145,
  DNNL_ARG_DIFF_WEIGHTS = 161,
};
#define DNNL_MEMORY_NONE NULL                      /* a memory whose buffer is set before each use */
#define DNNL_MEMORY_ALLOCATE ((void *)(intptr_t)-1) /* a memory the library allocates */

/* Every function used, as (return type, name without the dnnl_ prefix, parameters). */
#define DNNL_FUNCTIONS(X)                                                                                           \
  X(const dnnl_version_info *, version, (void))                                                                     \
  X(int, engine_create, (dnnl_obj *, int, size_t))                                                                  \
  X(int, engine_destroy, (dnnl_obj))                                                                                \
  X(int, stream_create, (dnnl_obj *, dnnl_obj, unsigned))                                                           \
  X(int, stream_wait, (dnnl_obj))                                                                                   \
  X(int, stream_destroy, (dnnl_obj))                                                                                \
  X(int, memory_desc_init_by_tag, (dnnl_md *, int, const int64_t *, int, int))                                      \
  X(int, memory_desc_equal, (const dnnl_md *, const dnnl_md *))                                                     \
  X(int, convolution_forward_desc_init,                                                                             \
    (dnnl_conv_desc *, int, int, const dnnl_md *, const dnnl_md *, const dnnl_md *, const dnnl_md *, const int64_t *, \
     const int64_t *, const int64_t *))                                                                             \
  X(int, convolution_backward_data_desc_init,                                                                       \
    (dnnl_conv_desc *, int, const dnnl_md *, const dnnl_md *, const dnnl_md *, const int64_t *, const int64_t *,    \
     const int64_t *))                                                                                              \
  X(int, convolution_backward_weights_desc_init,                                                                    \
    (dnnl_conv_desc *, int, const dnnl_md *, const dnnl_md *, const dnnl_md *, const dnnl_md *, const int64_t *,    \
     const int64_t *, const int64_t *))                                                                             \
  X(int, primitive_desc_create, (dnnl_obj *, const void *, const void *, dnnl_obj, const void *))                   \
  X(const dnnl_md *, primitive_desc_query_md, (const void *, int, int))                                             \
  X(int, primitive_desc_destroy, (dnnl_obj))                                                                        \
  X(int, reorder_primitive_desc_create, (dnnl_obj *, const dnnl_md *, dnnl_obj, const dnnl_md *, dnnl_obj, const void *)) \
  X(int, primitive_create, (dnnl_obj *, const void *))                                                              \
  X(int, primitive_execute, (const void *, dnnl_obj, int, const dnnl_exec_arg *))                                   \
  X(int, primitive_destroy, (dnnl_obj))                                                                             \
  X(int, memory_create, (dnnl_obj *, const dnnl_md *, dnnl_obj, void *))                                            \
  X(int, memory_set_data_handle, (dnnl_obj, void *))                                                                \
  X(int, memory_destroy, (dnnl_obj))

static struct {
#define DNNL_FIELD(ret, name, params) ret(*name) params;
  DNNL_FUNCTIONS(DNNL_FIELD)
#undef DNNL_FIELD
} dnnl;

/* ---------- the library: the one blas.c loaded, when it is oneDNN 2.x ---------- */

static struct {
  void *handle;          /* the library the rest describes (NULL: none seen yet) */
  int usable;            /* 1: oneDNN 2.x with every function above, engine and stream created */
  dnnl_obj engine, stream;
  char name[200];        /* "libdnnl.so.2 2.6.3" */
  char why[200];         /* why not usable */
} lib;

/* The passes, also the first number of a cache key. */
enum { PASS_FORWARD, PASS_INPUT, PASS_FILTER };

/* ---------- cache of created primitives ---------- */

/* Creating a primitive takes milliseconds (its kernel is generated), so each (pass, geometry) is
   created once and kept; attacks change N as images are dropped, hence a least-recently-used set. */
#define CACHE_ENTRIES 48
#define KEY_LENGTH (1 + sizeof(conv_geom) / sizeof(int64_t))

typedef struct {
  int64_t key[KEY_LENGTH]; /* pass, then the geometry */
  uint64_t used;           /* time of last use; 0: empty */
  int ok;                  /* 0: oneDNN refused this geometry, im2col runs it */
  dnnl_obj conv;           /* the convolution */
  dnnl_obj reorder;        /* HWIO filter to the primitive's layout (filter gradient: back); NULL when the same */
  dnnl_obj x, y, w;        /* our buffers: NHWC x or dx, NHWC y or dy, HWIO filter or its gradient */
  dnnl_obj wp;             /* the filter in the primitive's layout (NULL: w itself) */
} entry;

static entry cache[CACHE_ENTRIES];
static uint64_t cache_clock = 0;

static void destroy_objects(entry *e) {
  if (e->conv) dnnl.primitive_destroy(e->conv);
  if (e->reorder) dnnl.primitive_destroy(e->reorder);
  dnnl_obj *mems[] = {&e->x, &e->y, &e->w, &e->wp};
  for (size_t i = 0; i < sizeof mems / sizeof *mems; i++) {
    if (*mems[i]) dnnl.memory_destroy(*mems[i]);
    *mems[i] = NULL;
  }
  e->conv = e->reorder = NULL;
}

static void clear_cache(void) {
  for (int i = 0; i < CACHE_ENTRIES; i++) {
    if (cache[i].used) destroy_objects(&cache[i]);
    memset(&cache[i], 0, sizeof cache[i]);
  }
}

/* Forgets the library's engine, stream and primitives (another library was loaded). */
static void forget_library(void) {
  if (lib.usable) {
    clear_cache();
    dnnl.stream_destroy(lib.stream);
    dnnl.engine_destroy(lib.engine);
  }
  memset(&lib, 0, sizeof lib);
}

/* Resolves every function of `h`; 0, or -1 naming the first one missing in lib.why. */
static int resolve(void *h) {
#define DNNL_RESOLVE(ret, name, params)                                                           \
  if (!(*(void **)&dnnl.name = dlsym(h, "dnnl_" #name))) {                                        \
    snprintf(lib.why, sizeof lib.why, "the library has no dnnl_" #name " (not the oneDNN 2.x C API)"); \
    return -1;                                                                                    \
  }
  DNNL_FUNCTIONS(DNNL_RESOLVE)
#undef DNNL_RESOLVE
  return 0;
}

/* Whether oneDNN 2.x is the loaded BLAS and ready (set up on first use of each library). */
static int ready(void) {
  const char *path = "";
  void *h = blas_dnnl_handle(&path);
  if (!h) return 0;
  if (h == lib.handle) return lib.usable;
  forget_library();
  lib.handle = h;
  const dnnl_version_info *(*version)(void) = (const dnnl_version_info *(*)(void))dlsym(h, "dnnl_version");
  const dnnl_version_info *v = version ? version() : NULL;
  if (!v || v->major != 2) {
    snprintf(lib.why, sizeof lib.why, "%s is oneDNN %d.x, the primitives path needs 2.x", path, v ? v->major : 0);
    return 0;
  }
  if (resolve(h) != 0) return 0;
  if (dnnl.engine_create(&lib.engine, DNNL_ENGINE_CPU, 0) != DNNL_SUCCESS) {
    snprintf(lib.why, sizeof lib.why, "dnnl_engine_create(cpu) failed");
    return 0;
  }
  if (dnnl.stream_create(&lib.stream, lib.engine, DNNL_STREAM_IN_ORDER) != DNNL_SUCCESS) {
    dnnl.engine_destroy(lib.engine);
    snprintf(lib.why, sizeof lib.why, "dnnl_stream_create failed");
    return 0;
  }
  snprintf(lib.name, sizeof lib.name, "%s %d.%d.%d", path, v->major, v->minor, v->patch);
  lib.usable = 1;
  return 1;
}

/* The bottom/right padding oneDNN expects: what makes out = (in + near + far - k) / s + 1 hold
   (TF.js's own padding can exceed it by up to s - 1 rows that no window reads, or a "valid"
   strided conv can leave input rows unread: a negative far padding, clamped to 0). */
static int64_t far_padding(int64_t in, int64_t k, int64_t s, int64_t near, int64_t out) {
  const int64_t p = (out - 1) * s + k - in - near;
  return p < 0 ? 0 : p;
}

#define OK(call)                              \
  do {                                        \
    if ((call) != DNNL_SUCCESS) goto failed;  \
  } while (0)

/* Creates e's primitive and memories for `pass` on g; 0, or -1 (e's objects destroyed). */
static int create(entry *e, int pass, const conv_geom *g) {
  const dnnl_dims xd = {g->N, g->Ci, g->H, g->W}, yd = {g->N, g->Co, g->OH, g->OW}, wd = {g->Co, g->Ci, g->KH, g->KW};
  const dnnl_dims strides = {g->sh, g->sw}, near = {g->pt, g->pl},
                  far = {far_padding(g->H, g->KH, g->sh, g->pt, g->OH), far_padding(g->W, g->KW, g->sw, g->pl, g->OW)};
  dnnl_md xmd, ymd, wmd, wany;
  dnnl_conv_desc fwd, bwd;
  dnnl_obj fwd_pd = NULL, pd = NULL, reorder_pd = NULL;
  OK(dnnl.memory_desc_init_by_tag(&xmd, 4, xd, DNNL_F32, DNNL_TAG_NHWC));
  OK(dnnl.memory_desc_init_by_tag(&ymd, 4, yd, DNNL_F32, DNNL_TAG_NHWC));
  OK(dnnl.memory_desc_init_by_tag(&wmd, 4, wd, DNNL_F32, DNNL_TAG_HWIO));
  OK(dnnl.memory_desc_init_by_tag(&wany, 4, wd, DNNL_F32, DNNL_TAG_ANY));
  /* the forward descriptor: the forward pass itself, and the hint the backward passes need */
  OK(dnnl.convolution_forward_desc_init(&fwd, DNNL_FORWARD_TRAINING, DNNL_CONVOLUTION_DIRECT, &xmd, &wany, NULL, &ymd,
                                        strides, near, far));
  OK(dnnl.primitive_desc_create(&fwd_pd, &fwd, NULL, lib.engine, NULL));
  if (pass == PASS_FORWARD) {
    pd = fwd_pd;
    fwd_pd = NULL;
  } else {
    if (pass == PASS_INPUT)
      OK(dnnl.convolution_backward_data_desc_init(&bwd, DNNL_CONVOLUTION_DIRECT, &xmd, &wany, &ymd, strides, near, far));
    else
      OK(dnnl.convolution_backward_weights_desc_init(&bwd, DNNL_CONVOLUTION_DIRECT, &xmd, &wany, NULL, &ymd, strides, near,
                                                     far));
    OK(dnnl.primitive_desc_create(&pd, &bwd, NULL, lib.engine, fwd_pd));
  }
  OK(dnnl.primitive_create(&e->conv, pd));
  OK(dnnl.memory_create(&e->x, &xmd, lib.engine, DNNL_MEMORY_NONE));
  OK(dnnl.memory_create(&e->y, &ymd, lib.engine, DNNL_MEMORY_NONE));
  OK(dnnl.memory_create(&e->w, &wmd, lib.engine, DNNL_MEMORY_NONE));
  const dnnl_md *wpmd = dnnl.primitive_desc_query_md(pd, pass == PASS_FILTER ? DNNL_QUERY_DIFF_WEIGHTS_MD : DNNL_QUERY_WEIGHTS_MD, 0);
  if (!wpmd) goto failed;
  if (!dnnl.memory_desc_equal(wpmd, &wmd)) {
    OK(dnnl.memory_create(&e->wp, wpmd, lib.engine, DNNL_MEMORY_ALLOCATE));
    if (pass == PASS_FILTER) OK(dnnl.reorder_primitive_desc_create(&reorder_pd, wpmd, lib.engine, &wmd, lib.engine, NULL));
    else OK(dnnl.reorder_primitive_desc_create(&reorder_pd, &wmd, lib.engine, wpmd, lib.engine, NULL));
    OK(dnnl.primitive_create(&e->reorder, reorder_pd));
  }
  dnnl.primitive_desc_destroy(pd);
  if (reorder_pd) dnnl.primitive_desc_destroy(reorder_pd);
  return 0;
failed:
  if (fwd_pd) dnnl.primitive_desc_destroy(fwd_pd);
  if (pd) dnnl.primitive_desc_destroy(pd);
  if (reorder_pd) dnnl.primitive_desc_destroy(reorder_pd);
  destroy_objects(e);
  return -1;
}

/* The cache entry of (pass, g), created (in the least recently used slot) when missing. */
static entry *lookup(int pass, const conv_geom *g) {
  int64_t key[KEY_LENGTH];
  key[0] = pass;
  memcpy(key + 1, g, sizeof *g);
  entry *oldest = &cache[0];
  for (int i = 0; i < CACHE_ENTRIES; i++) {
    entry *e = &cache[i];
    if (e->used && memcmp(e->key, key, sizeof key) == 0) {
      e->used = ++cache_clock;
      return e;
    }
    if (e->used < oldest->used) oldest = e;
  }
  if (oldest->used) destroy_objects(oldest);
  memcpy(oldest->key, key, sizeof key);
  oldest->used = ++cache_clock;
  oldest->ok = create(oldest, pass, g) == 0;
  return oldest;
}

/* ---------- mode and the passes ---------- */

enum { MODE_AUTO, MODE_DNNL, MODE_IM2COL };
static int mode = MODE_AUTO;

/* The passes `auto` gives oneDNN (a bit per pass). */
#define AUTO_PASSES ((1 << PASS_FORWARD) | (1 << PASS_INPUT) | (1 << PASS_FILTER))

int conv_dnnl_set_mode(const char *name) {
  if (!name || !*name || strcmp(name, "auto") == 0) mode = MODE_AUTO;
  else if (strcmp(name, "dnnl") == 0) mode = MODE_DNNL;
  else if (strcmp(name, "im2col") == 0) mode = MODE_IM2COL;
  else return -1;
  return 0;
}

static int pass_on(int pass) {
  if (mode == MODE_IM2COL) return 0;
  return mode == MODE_DNNL || ((AUTO_PASSES >> pass) & 1);
}

const char *conv_dnnl_describe(void) {
  static char text[800];
  if (mode != MODE_IM2COL && ready()) snprintf(text, sizeof text, "dnnl primitives (%s)", lib.name);
  else if (mode == MODE_DNNL)
    snprintf(text, sizeof text, "im2col + %s (dnnl asked for: %s)", blas_name(),
             blas_dnnl_handle(NULL) ? lib.why : "oneDNN is not the loaded BLAS");
  else snprintf(text, sizeof text, "im2col + %s", blas_name());
  return text;
}

/* Runs `pass` with our buffers x (x or dx), y (y or dy), w (filter or its gradient); 0 when done. */
static int run(int pass, const conv_geom *g, const float *x, const float *y, const float *w) {
  if (!pass_on(pass) || !ready() || g->N <= 0 || g->OH <= 0 || g->OW <= 0) return -1;
  entry *e = lookup(pass, g);
  if (!e->ok) return -1;
  OK(dnnl.memory_set_data_handle(e->x, (void *)x));
  OK(dnnl.memory_set_data_handle(e->y, (void *)y));
  OK(dnnl.memory_set_data_handle(e->w, (void *)w));
  const dnnl_obj wp = e->wp ? e->wp : e->w;
  if (e->reorder && pass != PASS_FILTER) {
    const dnnl_exec_arg to_primitive[] = {{DNNL_ARG_SRC, e->w}, {DNNL_ARG_DST, wp}};
    OK(dnnl.primitive_execute(e->reorder, lib.stream, 2, to_primitive));
  }
  const dnnl_exec_arg args[3][3] = {
      [PASS_FORWARD] = {{DNNL_ARG_SRC, e->x}, {DNNL_ARG_WEIGHTS, wp}, {DNNL_ARG_DST, e->y}},
      [PASS_INPUT] = {{DNNL_ARG_DIFF_DST, e->y}, {DNNL_ARG_WEIGHTS, wp}, {DNNL_ARG_DIFF_SRC, e->x}},
      [PASS_FILTER] = {{DNNL_ARG_SRC, e->x}, {DNNL_ARG_DIFF_DST, e->y}, {DNNL_ARG_DIFF_WEIGHTS, wp}},
  };
  OK(dnnl.primitive_execute(e->conv, lib.stream, 3, args[pass]));
  if (e->reorder && pass == PASS_FILTER) {
    const dnnl_exec_arg to_hwio[] = {{DNNL_ARG_SRC, wp}, {DNNL_ARG_DST, e->w}};
    OK(dnnl.primitive_execute(e->reorder, lib.stream, 2, to_hwio));
  }
  OK(dnnl.stream_wait(lib.stream));
  return 0;
failed:
  return -1;
}

int conv_dnnl_forward(const conv_geom *g, const float *x, const float *w, float *y) {
  return run(PASS_FORWARD, g, x, y, w);
}

int conv_dnnl_backprop_input(const conv_geom *g, const float *dy, const float *w, float *dx) {
  return run(PASS_INPUT, g, dx, dy, w);
}

int conv_dnnl_backprop_filter(const conv_geom *g, const float *x, const float *dy, float *dw) {
  return run(PASS_FILTER, g, x, dy, dw);
}
