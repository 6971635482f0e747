/*
 * workbench_blas: single-precision matrix products for the wasm backend's tensors, computed by the platform's
 * BLAS (OpenBLAS, or Accelerate on macOS) in place on the memory the caller's Float32Arrays view (the wasm
 * heap): nothing is copied.
 *
 *   sgemm(transA, transB, m, n, k, a, b, c, bias, relu)
 *     c[m, n] = op(a) . op(b) (+ bias[n] per row, or bias[0] everywhere) (then max(0, .) when relu), row-major;
 *     op(a) is [m, k] (a stored [m, k], or [k, m] when transA), op(b) is [k, n] (stored [k, n], or [n, k]).
 *   info() → { library, core, threads }
 *
 * OpenBLAS is kept to one thread (the calling one): each training worker is one thread of compute, and two
 * workers on two cores must not each start a pool. The arithmetic of the product is the BLAS library's; this
 * file only checks arguments, sets up the bias and clamps.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef WORKBENCH_ACCELERATE
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
/* Declared here as well: a cblas.h from another BLAS (the reference one) lacks them; libopenblas has them. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
#endif

#define CHECK(env, call)                                                                                    \
  do {                                                                                                      \
    if ((call) != napi_ok) {                                                                                \
      napi_throw_error((env), NULL, "workbench_blas: Node-API call failed: " #call);                        \
      return NULL;                                                                                          \
    }                                                                                                       \
  } while (0)

static napi_value fail(napi_env env, const char *message) {
  napi_throw_range_error(env, NULL, message);
  return NULL;
}

/* A Float32Array argument: its data (adjusted to its byteOffset) and length. False when it is not one. */
static bool float32_array(napi_env env, napi_value value, float **data, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  void *raw = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok) return false;
  if (type != napi_float32_array) return false;
  *data = (float *)raw;
  return true;
}

static bool dimension(napi_env env, napi_value value, int *out) {
  int64_t v = -1;
  if (napi_get_value_int64(env, value, &v) != napi_ok || v < 0 || v > INT32_MAX) return false;
  *out = (int)v;
  return true;
}

static int at_least_one(int v) { return v < 1 ? 1 : v; }

static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 10) return fail(env, "sgemm(transA, transB, m, n, k, a, b, c, bias, relu): 10 arguments");
  bool trans_a = false, trans_b = false, relu = false;
  CHECK(env, napi_get_value_bool(env, argv[0], &trans_a));
  CHECK(env, napi_get_value_bool(env, argv[1], &trans_b));
  CHECK(env, napi_get_value_bool(env, argv[9], &relu));
  int m, n, k;
  if (!dimension(env, argv[2], &m) || !dimension(env, argv[3], &n) || !dimension(env, argv[4], &k)) {
    return fail(env, "sgemm: m, n and k must be integers in [0, 2^31)");
  }
  float *a, *b, *c, *bias = NULL;
  size_t a_len, b_len, c_len, bias_len = 0;
  if (!float32_array(env, argv[5], &a, &a_len) || !float32_array(env, argv[6], &b, &b_len) ||
      !float32_array(env, argv[7], &c, &c_len)) {
    return fail(env, "sgemm: a, b and c must be Float32Arrays");
  }
  napi_valuetype bias_type;
  CHECK(env, napi_typeof(env, argv[8], &bias_type));
  if (bias_type != napi_null && bias_type != napi_undefined) {
    if (!float32_array(env, argv[8], &bias, &bias_len)) return fail(env, "sgemm: bias must be a Float32Array or null");
    if (bias_len != (size_t)n && bias_len != 1) return fail(env, "sgemm: bias must hold n values or 1");
  }
  const size_t mk = (size_t)m * (size_t)k, kn = (size_t)k * (size_t)n, mn = (size_t)m * (size_t)n;
  if (a_len < mk || b_len < kn || c_len < mn) return fail(env, "sgemm: an operand is shorter than m, n, k say");
  if (mn == 0) return NULL;

  if (bias != NULL) {
    for (size_t i = 0; i < (size_t)m; i++) {
      float *row = c + i * (size_t)n;
      for (size_t j = 0; j < (size_t)n; j++) row[j] = bias[bias_len == 1 ? 0 : j];
    }
  }
  if (k == 0) {
    if (bias == NULL) {
      for (size_t i = 0; i < mn; i++) c[i] = 0.0f;
    }
  } else {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m, n,
                k, 1.0f, a, at_least_one(trans_a ? m : k), b, at_least_one(trans_b ? k : n),
                bias != NULL ? 1.0f : 0.0f, c, at_least_one(n));
  }
  if (relu) {
    for (size_t i = 0; i < mn; i++) {
      /* max(0, v) that keeps NaN, like tfjs's relu. */
      if (c[i] < 0.0f) c[i] = 0.0f;
    }
  }
  return NULL;
}

static napi_value set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value v;
  if (napi_create_string_utf8(env, value != NULL ? value : "", NAPI_AUTO_LENGTH, &v) != napi_ok) return NULL;
  if (napi_set_named_property(env, object, key, v) != napi_ok) return NULL;
  return object;
}

static napi_value library_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, threads;
  CHECK(env, napi_create_object(env, &result));
#ifdef WORKBENCH_ACCELERATE
  if (set_string(env, result, "library", "Accelerate") == NULL) return NULL;
  if (set_string(env, result, "core", "") == NULL) return NULL;
  CHECK(env, napi_create_int32(env, 0, &threads));
#else
  if (set_string(env, result, "library", openblas_get_config()) == NULL) return NULL;
  if (set_string(env, result, "core", openblas_get_corename()) == NULL) return NULL;
  CHECK(env, napi_create_int32(env, openblas_get_num_threads(), &threads));
#endif
  CHECK(env, napi_set_named_property(env, result, "threads", threads));
  return result;
}

/* Context-aware (NAPI_MODULE_INIT): every worker thread that loads the addon gets its own exports. */
NAPI_MODULE_INIT() {
#ifndef WORKBENCH_ACCELERATE
  openblas_set_num_threads(1);
#endif
  napi_property_descriptor props[] = {
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, library_info, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}
