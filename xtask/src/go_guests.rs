//! Go guests: not built yet (issue 4 adds them).

use crate::plugins::{Artifact, Builder, Context};

pub struct GoGuests;

impl Builder for GoGuests {
    fn name(&self) -> &'static str {
        "Go guests"
    }

    fn build(&self, _cx: &Context) -> Result<Vec<Artifact>, String> {
        Ok(Vec::new())
    }
}
