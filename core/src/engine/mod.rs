//! placeholder
pub struct Engine;
