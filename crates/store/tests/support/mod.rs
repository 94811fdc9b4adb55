//! Test support: a throwaway PostgreSQL server.

pub mod pg;
