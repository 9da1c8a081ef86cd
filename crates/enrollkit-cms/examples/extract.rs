//! Print the attached content of a CMS SignedData file (no verification).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use enrollkit_cms::Coded;

fn main() {
    let path = std::env::args().nth(1).expect("usage: extract FILE");
    let bytes = std::fs::read(path).unwrap();
    println!("looks_like_cms={}", enrollkit_cms::looks_like_cms(&bytes));
    match enrollkit_cms::extract_signed_content(&bytes) {
        Ok(c) => println!(
            "content {} bytes, head {:?}",
            c.len(),
            String::from_utf8_lossy(&c[..c.len().min(40)])
        ),
        Err(e) => println!("error {}: {e}", e.code()),
    }
}
