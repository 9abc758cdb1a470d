//! The plugin's logic, run natively against a fake editor: the generated `editor_host`
//! functions call the host installed on the test's thread.

use lint_contract::{editor_host, EditorHost, Finding, LintError, Linter, Severity};
use lint_plugin::LineLinter;

/// Records what the plugin reports.
struct FakeEditor {
    max_line: u32,
    reported: Vec<Finding>,
    closing: bool,
}

impl EditorHost for FakeEditor {
    fn max_line(&mut self) -> u32 {
        self.max_line
    }

    fn report(&mut self, finding: Finding) -> wasp::HostResult<()> {
        if self.closing {
            return Err(wasp::HostError::new("the editor is closing"));
        }
        self.reported.push(finding);
        Ok(())
    }

    #[cfg(feature = "fixes")]
    fn apply(&mut self, _line: u32, _fix: &str) -> bool {
        true
    }
}

fn editor(max_line: u32) -> FakeEditor {
    FakeEditor {
        max_line,
        reported: Vec::new(),
        closing: false,
    }
}

#[test]
fn lints_through_the_fake_host() {
    editor_host::set_host(editor(10));
    let mut linter = LineLinter::default();
    let findings = linter
        .lint("a.txt", "short\nthis line is too long\nend \n")
        .expect("lints");
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0].severity, Severity::Error { code: 1 });
    assert_eq!(findings[1].fix.as_deref(), Some("end"));
    assert_eq!(linter.linted(), 1);
    let fake: FakeEditor = editor_host::take_host().expect("the fake is still installed");
    assert_eq!(fake.reported, findings);
}

#[test]
fn refusals_do_not_call_the_host() {
    // No host installed: a host call would panic.
    let mut linter = LineLinter::default();
    assert_eq!(linter.lint("a", ""), Err(LintError::Empty));
    assert_eq!(
        linter.lint("a", "ab\0c"),
        Err(LintError::Binary { offset: 2 })
    );
    assert_eq!(linter.stats("a\nb", b"xyz"), (2, 3));
}

#[test]
#[should_panic(expected = "host function `report` failed: the editor is closing")]
fn a_failing_host_function_abandons_the_call() {
    let mut fake = editor(10);
    fake.closing = true;
    editor_host::set_host(fake);
    let _ = LineLinter::default().lint("a", "trailing \n");
}

#[test]
#[should_panic(expected = "call `editor_host::set_host(my_fake_host)` in the test first")]
fn a_host_call_without_a_fake_says_how_to_install_one() {
    let _ = LineLinter::default().lint("a", "text");
}
