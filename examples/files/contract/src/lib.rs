//! The contract of the files example: a plugin reads the files of one directory and writes a
//! report on each into another. The host decides which directories those are by mounting them
//! into the plugin's sandbox.

/// Turns input files into reports.
#[wasp::plugin]
pub trait Files {
    /// Reads every file in directory `input`, writes a report on each into directory
    /// `output` (both paths inside the sandbox), and returns the names of the reports, sorted.
    fn process(&mut self, input: String, output: String) -> Result<Vec<String>, String>;
}
