//! Any Inventory that parses can be audited by every check without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(inventory) = serde_json::from_slice::<rampart_model::Inventory>(data) else { return };
    let config = rampart_checks::Config::default();
    let now = inventory.collected_at.unwrap_or_else(rampart_model::Timestamp::now);
    let ctx = rampart_checks::Context::new(&inventory, &config, now);
    let _ = rampart_checks::run(&ctx, &rampart_checks::registry::all());
});
