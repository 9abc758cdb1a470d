//! AssemblyScript guests: not built yet (issue 4 adds them).

use crate::plugins::{Artifact, Builder, Context};

pub struct AssemblyScriptGuests;

impl Builder for AssemblyScriptGuests {
    fn name(&self) -> &'static str {
        "AssemblyScript guests"
    }

    fn build(&self, _cx: &Context) -> Result<Vec<Artifact>, String> {
        Ok(Vec::new())
    }
}
