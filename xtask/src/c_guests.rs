//! C guests: not built yet (issue 4 adds them).

use crate::plugins::{Artifact, Builder, Context};

pub struct CGuests;

impl Builder for CGuests {
    fn name(&self) -> &'static str {
        "C guests"
    }

    fn build(&self, _cx: &Context) -> Result<Vec<Artifact>, String> {
        Ok(Vec::new())
    }
}
