//! Waivers: defined and applied once, in `rampart_model::waiver` (the runner of
//! `rampart-checks` applies them); re-exported here for the renderers, which list the warnings.

pub use rampart_model::waiver::*;
