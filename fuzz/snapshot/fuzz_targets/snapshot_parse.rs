//! Any bytes given as a snapshot: an error or an Inventory, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = rampart_model::snapshot::from_slice(data, "fuzz.json");
});
