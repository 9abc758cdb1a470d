//! The linter plugin of `lint-contract`. Its tests (tests/fake_host.rs) run natively: the
//! host functions call a fake editor the test installs with `editor_host::set_host`.

use lint_contract::{editor_host, Finding, LintError, Linter, Severity};

/// Counts the texts it lints.
#[derive(Default)]
pub struct LineLinter {
    linted: u32,
}

impl Linter for LineLinter {
    fn lint(&mut self, path: &str, text: &str) -> Result<Vec<Finding>, LintError> {
        if text.is_empty() {
            return Err(LintError::Empty);
        }
        if let Some(offset) = text.bytes().position(|b| b == 0) {
            return Err(LintError::Binary {
                offset: offset as u32,
            });
        }
        self.linted += 1;
        let max = editor_host::max_line();
        let mut findings = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_number = i as u32 + 1;
            if line.len() as u32 > max {
                findings.push(Finding {
                    line: line_number,
                    severity: Severity::Error { code: 1 },
                    message: format!("{}: line longer than {}", path, max),
                    fix: None,
                });
            } else if line.ends_with(' ') {
                findings.push(Finding {
                    line: line_number,
                    severity: Severity::Warning,
                    message: format!("{}: trailing space", path),
                    fix: Some(line.trim_end().to_string()),
                });
            }
        }
        for finding in &findings {
            editor_host::report(finding.clone());
        }
        Ok(findings)
    }

    fn linted(&self) -> u32 {
        self.linted
    }

    #[cfg(feature = "fixes")]
    fn fix_all(&mut self, text: &str) -> String {
        text.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn crash(&self) {
        panic!("the linter crashed on purpose");
    }

    fn stats(&self, text: &str, raw: &[u8]) -> (u32, u32) {
        (text.lines().count() as u32, raw.len() as u32)
    }
}

lint_contract::export_linter!(LineLinter);
