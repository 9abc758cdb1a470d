;; A module that follows docs/ABI.md by hand, without a contract descriptor: loaded with
;; `Engine::load_raw` and called by export name.
(module
  (memory (export "memory") 1)
  ;; A bump allocator: blocks are never freed, which the ABI allows (the plugin owns them).
  (global $next (mut i32) (i32.const 1024))
  (func (export "wasp_alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $len)))
    (local.get $ptr))

  (func (export "sum") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  ;; "Hello " is kept at 16..22; the result is built at 64 and returned as ptr | len << 32.
  (data (i32.const 16) "Hello ")
  (func (export "hello") (param $ptr i32) (param $len i32) (result i64)
    (memory.copy (i32.const 64) (i32.const 16) (i32.const 6))
    (memory.copy (i32.const 70) (local.get $ptr) (local.get $len))
    (i64.or
      (i64.const 64)
      (i64.shl (i64.extend_i32_u (i32.add (local.get $len) (i32.const 6))) (i64.const 32)))))
