//! Test support shared by the integration tests and the `fixture_tree` example.

pub mod tree;
