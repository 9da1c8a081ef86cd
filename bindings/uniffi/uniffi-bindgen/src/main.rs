//! `uniffi-bindgen`: generates the Kotlin and Swift sources for `enrollkit-ffi`.
//!
//! `cargo run -p uniffi-bindgen -- generate target/debug/libenrollkit_ffi.so -l kotlin -o out --no-format`

fn main() {
    uniffi::uniffi_bindgen_main()
}
