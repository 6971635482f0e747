{
  # The optional BLAS addon (see README.md): one C file against Node-API (ABI-stable, so the same build loads
  # in Node and in Electron), linked to the platform's BLAS: OpenBLAS (Debian: libopenblas-dev) or Accelerate.
  "targets": [
    {
      "target_name": "workbench_blas",
      "sources": ["src/workbench_blas.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-std=c11", "-Wall", "-Wextra"],
      "conditions": [
        [
          "OS=='mac'",
          {
            "defines": ["WORKBENCH_ACCELERATE", "ACCELERATE_NEW_LAPACK"],
            "libraries": ["-framework Accelerate"]
          },
          {
            "libraries": ["-lopenblas"]
          }
        ]
      ]
    }
  ]
}
