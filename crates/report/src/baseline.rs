//! Baselines: defined once, in `rampart_model::baseline`; re-exported here for the renderers,
//! which mark findings `new` or `unchanged`.

pub use rampart_model::baseline::*;
