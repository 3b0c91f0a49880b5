//! Shared by the differential test: the reference oracle, the case table and the generator.

pub mod cases;
pub mod generator;
pub mod python;
