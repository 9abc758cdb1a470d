//! The files example's plugin: plain `std::fs` inside the sandbox, and `wasp`'s logging
//! macros, whose lines the host receives as `tracing` events carrying this plugin's name.

use files_contract::Files;
use std::path::Path;

#[derive(Default)]
struct Reporter {
    runs: u32,
}

impl Files for Reporter {
    fn process(&mut self, input: String, output: String) -> Result<Vec<String>, String> {
        self.runs += 1;
        wasp::info!("run {}: reading {}, writing {}", self.runs, input, output);
        let mut names = Vec::new();
        let entries = std::fs::read_dir(&input).map_err(|e| format!("{}: {}", input, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {}", input, e))?;
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
        names.sort();

        let mut reports = Vec::new();
        for name in &names {
            let path = Path::new(&input).join(name);
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    wasp::warn!("skipping {}: {}", path.display(), e);
                    continue;
                }
            };
            let text = String::from_utf8_lossy(&bytes);
            let lines = text.lines().count();
            let words = text.split_whitespace().count();
            let longest = text
                .split_whitespace()
                .max_by_key(|w| w.len())
                .unwrap_or("");
            wasp::debug!(
                "{}: {} bytes, {} lines, {} words",
                name,
                bytes.len(),
                lines,
                words
            );
            if bytes.is_empty() {
                wasp::warn!("{} is empty", path.display());
            }

            let stem = Path::new(name)
                .file_stem()
                .map_or_else(|| name.clone(), |s| s.to_string_lossy().into_owned());
            let report = format!("{}.report", stem);
            let report_path = Path::new(&output).join(&report);
            let body = format!(
                "file: {}\nbytes: {}\nlines: {}\nwords: {}\nlongest word: {}\n",
                name,
                bytes.len(),
                lines,
                words,
                longest
            );
            std::fs::write(&report_path, body)
                .map_err(|e| format!("{}: {}", report_path.display(), e))?;
            wasp::info!("wrote {}", report_path.display());
            reports.push(report);
        }

        // The input is mounted read-only: the sandbox refuses this, and the plugin sees why.
        let probe = Path::new(&input).join("written-by-the-plugin.txt");
        if let Err(e) = std::fs::write(&probe, "should not exist") {
            wasp::info!("as expected, cannot write {}: {}", probe.display(), e);
        }

        println!(
            "processed {} files into {} reports",
            names.len(),
            reports.len()
        );
        Ok(reports)
    }
}

files_contract::export_files!(Reporter);
