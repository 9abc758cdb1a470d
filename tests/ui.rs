//! Every construct `#[wasp::plugin]` and `#[wasp::host]` cannot support is a compile error on
//! the offending tokens, with a hint: one UI test per construct, under tests/ui/.
//!
//! The `.stderr` files are compiler output of the stable toolchain CI uses. After an
//! intended change, bless them with `TRYBUILD=overwrite cargo test -p wasp --test ui` and
//! review the diff.

#[test]
fn unsupported_contracts_fail_with_a_clear_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
