//! Downloading the database.
