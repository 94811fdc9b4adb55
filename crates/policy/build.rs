//! Decompresses the IAM action catalogue at build time: the repository keeps it gzip-compressed
//! (small diffs, small clones) while the binary holds it as plain text, so that start-up does not
//! pay for inflating it.

use std::io::Read;

fn main() {
    let src = "data/iam-catalogue.txt.gz";
    println!("cargo::rerun-if-changed={src}");
    let raw = std::fs::read(src).unwrap_or_else(|e| panic!("reading {src}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(raw.as_slice())
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{src} is not gzip-compressed UTF-8: {e}"));
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("iam-catalogue.txt");
    std::fs::write(&out, text).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
